;; Training kernels in WASM SIMD that run on tfjs-backend-wasm's own memory (imported), so they
;; read and write its tensors in place.
;;
;; gemm: C = A · B without packing B. XNNPACK packs its weight operand whenever it changes, which in
;; training is every step (about 7 ms for a 784 × 300 matrix, more than the product itself).
;; adam: one fused Adam update.
(module
  (import "env" "memory" (memory 1))

  ;; C[M, N] = A[M, K] · B[K, N], row-major, M a multiple of 4 and N of 8. Blocks of 4 rows × 8
  ;; columns keep 8 accumulators in registers; for each column block the K × 8 panel of B is copied
  ;; to $panel (K × 32 bytes, contiguous: it stays in L1) and reused by every row block.
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32) (param $panel i32)
    (local $i i32) (local $j i32) (local $k i32) (local $rowA i32) (local $rowB i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pb i32) (local $pc i32)
    (local $x v128) (local $y v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowA (i32.shl (local.get $K) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (block $jDone
      (loop $jLoop
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $N)))
        ;; the panel: B[k, j .. j + 8] for every k
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $pc (local.get $panel))
        (local.set $k (local.get $K))
        (block $copied
          (loop $copy
            (br_if $copied (i32.eqz (local.get $k)))
            (v128.store offset=0 (local.get $pc) (v128.load offset=0 (local.get $pb)))
            (v128.store offset=16 (local.get $pc) (v128.load offset=16 (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $copy)))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $p0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $rowA)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $rowA)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $rowA)))
            (local.set $pb (local.get $panel))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (local.get $c00))
            (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c00))
            (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c00))
            (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c00))
            (local.set $k (local.get $K))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.eqz (local.get $k)))
                (local.set $x (v128.load offset=0 (local.get $pb)))
                (local.set $y (v128.load offset=16 (local.get $pb)))
                (local.set $s (v128.load32_splat (local.get $p0)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $s (v128.load32_splat (local.get $p1)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $s (v128.load32_splat (local.get $p2)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $s (v128.load32_splat (local.get $p3)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
                (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
                (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
                (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $kLoop)))
            (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
            (v128.store offset=0 (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store offset=0 (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store offset=0 (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowB)))
            (v128.store offset=0 (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jLoop))))

  ;; One Adam update of n values: m' = b1·m + (1 − b1)·g, v' = b2·v + (1 − b2)·g²,
  ;; w' = w − step · m' / (√(v' · scale2) + eps), written to w2, m2, v2 (step = lr / (1 − b1ᵗ),
  ;; scale2 = 1 / (1 − b2ᵗ)). Four values at a time, then the last n mod 4 in lane 0.
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32) (param $w2 i32) (param $m2 i32) (param $v2 i32) (param $n i32)
    (param $step f32) (param $scale2 f32) (param $b1 f32) (param $b2 f32) (param $eps f32)
    (local $i i32) (local $o i32) (local $wide i32)
    (local $B1 v128) (local $B2 v128) (local $C1 v128) (local $C2 v128) (local $S v128) (local $S2 v128) (local $E v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $C2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $S (f32x4.splat (local.get $step)))
    (local.set $S2 (f32x4.splat (local.get $scale2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $wide (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (if (local.get $wide)
          (then
            (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
            (local.set $mv (v128.load (i32.add (local.get $m) (local.get $o))))
            (local.set $vv (v128.load (i32.add (local.get $v) (local.get $o)))))
          (else
            (local.set $gv (v128.load32_zero (i32.add (local.get $g) (local.get $o))))
            (local.set $mv (v128.load32_zero (i32.add (local.get $m) (local.get $o))))
            (local.set $vv (v128.load32_zero (i32.add (local.get $v) (local.get $o))))))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $B1) (local.get $mv)) (f32x4.mul (local.get $C1) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $B2) (local.get $vv)) (f32x4.mul (local.get $C2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        ;; gv := the new weights
        (local.set $gv
          (f32x4.sub
            (if (result v128) (local.get $wide)
              (then (v128.load (i32.add (local.get $w) (local.get $o))))
              (else (v128.load32_zero (i32.add (local.get $w) (local.get $o)))))
            (f32x4.div (f32x4.mul (local.get $S) (local.get $mv))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $S2))) (local.get $E)))))
        (if (local.get $wide)
          (then
            (v128.store (i32.add (local.get $w2) (local.get $o)) (local.get $gv))
            (v128.store (i32.add (local.get $m2) (local.get $o)) (local.get $mv))
            (v128.store (i32.add (local.get $v2) (local.get $o)) (local.get $vv))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (f32.store (i32.add (local.get $w2) (local.get $o)) (f32x4.extract_lane 0 (local.get $gv)))
            (f32.store (i32.add (local.get $m2) (local.get $o)) (f32x4.extract_lane 0 (local.get $mv)))
            (f32.store (i32.add (local.get $v2) (local.get $o)) (f32x4.extract_lane 0 (local.get $vv)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $loop)))))
