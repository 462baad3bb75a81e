;; The dense layers' one-sample product and pooling (WASM SIMD module).
;;
;;   y[col] += x[row] * codebook[code]   for every kept weight (row, col, code) with x[row] != 0
;;
;; rowPtr: rows + 1 u32, entries of row r are rowPtr[r] .. rowPtr[r + 1].
;; entries: u32 each, (col << shift) | code.
;; codebook: f32 values looked up by code in the inner loop.
;; A zero input skips its row (activation sparsity, as EIE). Batches of two samples or more run the
;; direct convolution of a 1×1 image (sparse-conv.wat), whose accumulators stay in registers.
(module
  (import "env" "memory" (memory 1))
  ;; One sample, EIE-style: y starts at the $cols floats of $bias (or zeros for $bias = 0), then for
  ;; each nonzero x[r], y[col] += x[r] * codebook[code] over row r's entries; with $relu set, y is
  ;; clamped to [0, $hi] four floats at a time (max(-0, 0) is +0, as in the other WASM kernels).
  (func (export "spmv1")
    (param $x i32) (param $y i32) (param $rowPtr i32) (param $entries i32) (param $codebook i32)
    (param $rows i32) (param $shift i32) (param $mask i32) (param $cols i32) (param $bias i32) (param $relu i32) (param $hi f32)
    (local $end i32) (local $yp i32) (local $zero v128) (local $top v128)
    (if (local.get $bias)
      (then (memory.copy (local.get $y) (local.get $bias) (i32.shl (local.get $cols) (i32.const 2))))
      (else (memory.fill (local.get $y) (i32.const 0) (i32.shl (local.get $cols) (i32.const 2)))))
    (call $products (local.get $x) (local.get $y) (local.get $rowPtr) (local.get $entries) (local.get $codebook) (local.get $rows) (local.get $shift) (local.get $mask))
    (if (i32.eqz (local.get $relu)) (then (return)))
    (local.set $top (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $yp (local.get $y))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.gt_u (i32.add (local.get $yp) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $yp) (f32x4.min (f32x4.max (v128.load (local.get $yp)) (local.get $zero)) (local.get $top)))
        (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $yp) (local.get $end)))
        (f32.store (local.get $yp) (f32.min (f32.max (f32.load (local.get $yp)) (f32.const 0)) (local.get $hi)))
        (local.set $yp (i32.add (local.get $yp) (i32.const 4)))
        (br $loop))))

  ;; y[col] += x[r] * codebook[code] for every kept weight of every row r with x[r] != 0.
  (func $products
    (param $x i32) (param $y i32) (param $rowPtr i32) (param $entries i32) (param $codebook i32)
    (param $rows i32) (param $shift i32) (param $mask i32)
    (local $r i32) (local $k i32) (local $end i32) (local $e i32) (local $xv f32) (local $yp i32)
    (if (i32.eqz (local.get $rows)) (then (return)))
    (local.set $k (i32.load (local.get $rowPtr)))
    (loop $rowLoop
      (local.set $end
        (i32.load (i32.add (local.get $rowPtr) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
      (local.set $xv (f32.load (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))))
      (if (i32.and (i32.lt_u (local.get $k) (local.get $end)) (f32.ne (local.get $xv) (f32.const 0)))
        (then
          (loop $entryLoop
            (local.set $e (i32.load (i32.add (local.get $entries) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $yp (i32.add (local.get $y) (i32.shl (i32.shr_u (local.get $e) (local.get $shift)) (i32.const 2))))
            (f32.store (local.get $yp)
              (f32.add (f32.load (local.get $yp))
                (f32.mul (local.get $xv)
                  (f32.load (i32.add (local.get $codebook) (i32.shl (i32.and (local.get $e) (local.get $mask)) (i32.const 2)))))))
            (br_if $entryLoop
              (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $end))))))
      (local.set $k (local.get $end))
      (br_if $rowLoop (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  ;; Max (isMax = 1) or average pooling of $batch NHWC samples at $x into $out. $geo points at
  ;; 12 i32: h, w, c, oh, ow, ph, pw, sy, sx, padTop, padLeft, isMax. Average pooling divides by
  ;; the number of in-bounds elements, as tfjs does. Four channels at a time (f32x4), then the
  ;; last c mod 4 channels in lane 0.
  (func (export "pool") (param $x i32) (param $out i32) (param $geo i32) (param $batch i32)
    (local $h i32) (local $w i32) (local $c i32) (local $oh i32) (local $ow i32) (local $ph i32) (local $pw i32)
    (local $sy i32) (local $sx i32) (local $pt i32) (local $pl i32) (local $isMax i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $ci i32) (local $o i32) (local $xb i32) (local $n v128)
    (local.set $h (i32.load offset=0 (local.get $geo)))
    (local.set $w (i32.load offset=4 (local.get $geo)))
    (local.set $c (i32.load offset=8 (local.get $geo)))
    (local.set $oh (i32.load offset=12 (local.get $geo)))
    (local.set $ow (i32.load offset=16 (local.get $geo)))
    (local.set $ph (i32.load offset=20 (local.get $geo)))
    (local.set $pw (i32.load offset=24 (local.get $geo)))
    (local.set $sy (i32.load offset=28 (local.get $geo)))
    (local.set $sx (i32.load offset=32 (local.get $geo)))
    (local.set $pt (i32.load offset=36 (local.get $geo)))
    (local.set $pl (i32.load offset=40 (local.get $geo)))
    (local.set $isMax (i32.load offset=44 (local.get $geo)))
    (local.set $o (local.get $out))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $xb (i32.add (local.get $x) (i32.shl (i32.mul (local.get $b) (i32.mul (i32.mul (local.get $h) (local.get $w)) (local.get $c))) (i32.const 2))))
      (local.set $oy (i32.const 0))
      (block $oyDone (loop $oyLoop
        (br_if $oyDone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sy)) (local.get $pt)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $ph)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $h)) (then (local.set $y1 (local.get $h))))
        (local.set $ox (i32.const 0))
        (block $oxDone (loop $oxLoop
          (br_if $oxDone (i32.ge_u (local.get $ox) (local.get $ow)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sx)) (local.get $pl)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $pw)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $w)) (then (local.set $x1 (local.get $w))))
          (local.set $n (f32x4.splat (f32.convert_i32_s (i32.mul (i32.sub (local.get $y1) (local.get $y0)) (i32.sub (local.get $x1) (local.get $x0))))))
          (local.set $ci (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.gt_u (i32.add (local.get $ci) (i32.const 4)) (local.get $c)))
            (v128.store (i32.add (local.get $o) (i32.shl (local.get $ci) (i32.const 2)))
              (call $window (local.get $xb) (local.get $w) (local.get $c) (local.get $ci) (local.get $y0) (local.get $y1) (local.get $x0) (local.get $x1) (local.get $isMax) (local.get $n) (i32.const 1)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
            (br $cLoop)))
          (block $tDone (loop $tLoop
            (br_if $tDone (i32.ge_u (local.get $ci) (local.get $c)))
            (f32.store (i32.add (local.get $o) (i32.shl (local.get $ci) (i32.const 2)))
              (f32x4.extract_lane 0
                (call $window (local.get $xb) (local.get $w) (local.get $c) (local.get $ci) (local.get $y0) (local.get $y1) (local.get $x0) (local.get $x1) (local.get $isMax) (local.get $n) (i32.const 0))))
            (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
            (br $tLoop)))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $c) (i32.const 2))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))

  ;; Max or mean over the window rows y0 .. y1, columns x0 .. x1 of channels ci .. ci + 3 ($wide = 1)
  ;; or of channel ci alone in lane 0 ($wide = 0); $n holds the element count in every lane.
  (func $window (param $xb i32) (param $w i32) (param $c i32) (param $ci i32) (param $y0 i32) (param $y1 i32)
    (param $x0 i32) (param $x1 i32) (param $isMax i32) (param $n v128) (param $wide i32) (result v128)
    (local $acc v128) (local $v v128) (local $iy i32) (local $ix i32) (local $src i32)
    (local.set $acc
      (if (result v128) (local.get $isMax) (then (f32x4.splat (f32.const -inf))) (else (v128.const i32x4 0 0 0 0))))
    (local.set $iy (local.get $y0))
    (block $iyDone (loop $iyLoop
      (br_if $iyDone (i32.ge_s (local.get $iy) (local.get $y1)))
      (local.set $ix (local.get $x0))
      (local.set $src
        (i32.add (local.get $xb) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $ci)) (i32.const 2))))
      (block $ixDone (loop $ixLoop
        (br_if $ixDone (i32.ge_s (local.get $ix) (local.get $x1)))
        (local.set $v
          (if (result v128) (local.get $wide)
            (then (v128.load (local.get $src)))
            (else (v128.load32_zero (local.get $src)))))
        (local.set $acc
          (if (result v128) (local.get $isMax)
            (then (f32x4.max (local.get $acc) (local.get $v)))
            (else (f32x4.add (local.get $acc) (local.get $v)))))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
        (br $ixLoop)))
      (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
      (br $iyLoop)))
    (if (result v128) (local.get $isMax)
      (then (local.get $acc))
      (else (f32x4.div (local.get $acc) (local.get $n)))))
)
