;; Direct sparse convolution (WASM SIMD): no im2col. Each output channel keeps its kept weights as
;; entries [input offset in bytes, weight], the offset of the weight's tap (ky, kx, ci) relative to
;; the tile's input, computed once at prepare for the layout in use, and the weight its codebook
;; value (one load per entry, where a codebook address needed two, one waiting on the other):
;;
;; - sample lanes: 16 samples side by side, input laid out [Hp][Wp][C][16] (padded), one tile is one
;;   output position; the 16 lanes are 16 samples.
;; - position lanes (one sample): input laid out [C][S][Hp][Wq] (padded, columns split into S phases
;;   by the horizontal stride S); a tile is two runs of 8 consecutive output positions (lanes 0-7
;;   and 8-15), each within one output row.
;;
;; Both run the same loop: for each tile, for each output channel, 4 f32x4 accumulators start at
;; the bias and take every entry w · x[tile + offset], two entries per step. Strides, dilation,
;; padding and depthwise kernels are all in the offsets. (One tile at a time keeps the loop within the 16 SIMD registers of x86-64:
;; two tiles at a time made V8 spill accumulators to the stack.)
(module
  (import "env" "memory" (memory 1))

  ;; $tiles tiles; tile i reads lanes 0-7 from $x + bases[2i] and lanes 8-15 from $x + bases[2i + 1].
  ;; $colPtr: F + 1 absolute addresses of each channel's entries (8 bytes each). With $laneStride = 0:
  ;; out[(tile * F + f) * 16 + lane]. Otherwise lane s of tile i goes to
  ;; out + s * $laneStride + (i * F + f) * 4 (NHWC, one sample per lane), through $scratch (F × 16
  ;; floats). $bias: F floats or 0; $relu: clamp to [0, $hi] (relu: $hi = inf; relu6: 6).
  (func (export "convTiles")
    (param $x i32) (param $out i32) (param $bases i32) (param $tiles i32) (param $colPtr i32) (param $F i32)
    (param $bias i32) (param $relu i32) (param $hi f32) (param $laneStride i32) (param $scratch i32)
    (local $t i32) (local $o i32) (local $xa i32) (local $xb i32) (local $f i32) (local $p i32) (local $end i32)
    (local $off i32) (local $q i32) (local $r i32)
    (local $w v128) (local $zero v128) (local $top v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $top (f32x4.splat (local.get $hi)))
    (block $done
      (loop $tileLoop
        (br_if $done (i32.ge_u (local.get $t) (local.get $tiles)))
        (local.set $xa (i32.add (local.get $x) (i32.load (i32.add (local.get $bases) (i32.shl (local.get $t) (i32.const 3))))))
        (local.set $xb (i32.add (local.get $x) (i32.load offset=4 (i32.add (local.get $bases) (i32.shl (local.get $t) (i32.const 3))))))
        (local.set $o
          (if (result i32) (local.get $laneStride)
            (then (local.get $scratch))
            (else (i32.add (local.get $out) (i32.shl (i32.mul (local.get $t) (local.get $F)) (i32.const 6))))))
        (local.set $f (i32.const 0))
        (loop $colLoop
          (local.set $a0
            (if (result v128) (local.get $bias)
              (then (v128.load32_splat (i32.add (local.get $bias) (i32.shl (local.get $f) (i32.const 2)))))
              (else (local.get $zero))))
          (local.set $a1 (local.get $a0)) (local.set $a2 (local.get $a0)) (local.set $a3 (local.get $a0))
          (local.set $p (i32.load (i32.add (local.get $colPtr) (i32.shl (local.get $f) (i32.const 2)))))
          (local.set $end (i32.load offset=4 (i32.add (local.get $colPtr) (i32.shl (local.get $f) (i32.const 2)))))
          ;; two entries per step while two remain, then the last one of an odd count
          (block $pairsDone
            (loop $pairLoop
              (br_if $pairsDone (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
              (local.set $off (i32.load offset=0 (local.get $p)))
              (local.set $w (v128.load32_splat offset=4 (local.get $p)))
              (local.set $q (i32.add (local.get $xa) (local.get $off)))
              (local.set $r (i32.add (local.get $xb) (local.get $off)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $q)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $q)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $r)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $r)))))
              (local.set $off (i32.load offset=8 (local.get $p)))
              (local.set $w (v128.load32_splat offset=12 (local.get $p)))
              (local.set $q (i32.add (local.get $xa) (local.get $off)))
              (local.set $r (i32.add (local.get $xb) (local.get $off)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $q)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $q)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $r)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $r)))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br $pairLoop)))
          (if (i32.lt_u (local.get $p) (local.get $end))
            (then
              (local.set $off (i32.load offset=0 (local.get $p)))
              (local.set $w (v128.load32_splat offset=4 (local.get $p)))
              (local.set $q (i32.add (local.get $xa) (local.get $off)))
              (local.set $r (i32.add (local.get $xb) (local.get $off)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $q)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $q)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $r)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $r)))))
            ))
          (if (local.get $relu)
            (then
              (local.set $a0 (f32x4.min (f32x4.max (local.get $a0) (local.get $zero)) (local.get $top)))
              (local.set $a1 (f32x4.min (f32x4.max (local.get $a1) (local.get $zero)) (local.get $top)))
              (local.set $a2 (f32x4.min (f32x4.max (local.get $a2) (local.get $zero)) (local.get $top)))
              (local.set $a3 (f32x4.min (f32x4.max (local.get $a3) (local.get $zero)) (local.get $top)))))
          (local.set $q (i32.add (local.get $o) (i32.shl (local.get $f) (i32.const 6))))
          (v128.store offset=0 (local.get $q) (local.get $a0))
          (v128.store offset=16 (local.get $q) (local.get $a1))
          (v128.store offset=32 (local.get $q) (local.get $a2))
          (v128.store offset=48 (local.get $q) (local.get $a3))
          (br_if $colLoop (i32.lt_u (local.tee $f (i32.add (local.get $f) (i32.const 1))) (local.get $F))))
        (if (local.get $laneStride)
          (then (call $toSamples (local.get $o) (local.get $out) (local.get $laneStride) (local.get $t) (local.get $F))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tileLoop))))

  ;; One tile's [F][16] block at $src to 16 NHWC samples: lane s of channel f goes to
  ;; $out + s * $stride + (tile * F + f) * 4. Four channels × four lanes at a time (4 × 4 transposes).
  (func $toSamples (param $src i32) (param $out i32) (param $stride i32) (param $tile i32) (param $F i32)
    (local $f i32) (local $s i32) (local $d i32) (local $p i32) (local $F4 i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $d (i32.add (local.get $out) (i32.shl (i32.mul (local.get $tile) (local.get $F)) (i32.const 2))))
    (local.set $F4 (i32.and (local.get $F) (i32.const -4)))
    (block $blocksDone
      (loop $fLoop
        (br_if $blocksDone (i32.ge_u (local.get $f) (local.get $F4)))
        (local.set $s (i32.const 0))
        (loop $sLoop
          ;; rows: channels f .. f + 3, lanes s .. s + 3
          (local.set $p (i32.add (local.get $src) (i32.add (i32.shl (local.get $f) (i32.const 6)) (i32.shl (local.get $s) (i32.const 2)))))
          (local.set $r0 (v128.load offset=0 (local.get $p)))
          (local.set $r1 (v128.load offset=64 (local.get $p)))
          (local.set $r2 (v128.load offset=128 (local.get $p)))
          (local.set $r3 (v128.load offset=192 (local.get $p)))
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
          (local.set $p (i32.add (i32.add (local.get $d) (i32.shl (local.get $f) (i32.const 2))) (i32.mul (local.get $s) (local.get $stride))))
          (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (local.set $p (i32.add (local.get $p) (local.get $stride)))
          (v128.store (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (local.set $p (i32.add (local.get $p) (local.get $stride)))
          (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (local.set $p (i32.add (local.get $p) (local.get $stride)))
          (v128.store (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (br_if $sLoop (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 4))) (i32.const 16))))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $fLoop)))
    ;; the last F mod 4 channels one value at a time
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $f) (local.get $F)))
        (local.set $s (i32.const 0))
        (loop $sTail
          (f32.store
            (i32.add (i32.add (local.get $d) (i32.shl (local.get $f) (i32.const 2))) (i32.mul (local.get $s) (local.get $stride)))
            (f32.load (i32.add (local.get $src) (i32.add (i32.shl (local.get $f) (i32.const 6)) (i32.shl (local.get $s) (i32.const 2))))))
          (br_if $sTail (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (i32.const 16))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $tail))))

  ;; t <= 16 NHWC samples at $x (H × W × C each) into sample lanes at $xI: [Hp][Wp][C][16], the image
  ;; at row $pt, column $pl. Padding and lanes t .. 15 must already be zero (see clearLanes).
  (func (export "toLanes")
    (param $x i32) (param $xI i32) (param $H i32) (param $W i32) (param $C i32) (param $Wp i32) (param $pt i32) (param $pl i32) (param $t i32)
    (local $s i32) (local $y i32) (local $i i32) (local $n i32) (local $src i32) (local $dst i32)
    (local.set $n (i32.mul (local.get $W) (local.get $C)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $sLoop
      (local.set $src (i32.add (local.get $x) (i32.shl (i32.mul (local.get $s) (i32.mul (local.get $H) (local.get $n))) (i32.const 2))))
      (local.set $y (i32.const 0))
      (loop $yLoop
        (local.set $dst
          (i32.add (i32.add (local.get $xI) (i32.shl (local.get $s) (i32.const 2)))
            (i32.shl
              (i32.mul (i32.add (i32.mul (i32.add (local.get $y) (local.get $pt)) (local.get $Wp)) (local.get $pl)) (local.get $C))
              (i32.const 6))))
        (local.set $i (i32.const 0))
        (loop $iLoop
          (f32.store (local.get $dst) (f32.load (local.get $src)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
          (br_if $iLoop (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (br_if $yLoop (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $H))))
      (br_if $sLoop (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (local.get $t)))))

  ;; One NHWC sample at $x (H × W × C) into planes at $xP: [C][S][Hp][Wq], the image at row $pt,
  ;; column $pl of the padded image, whose column X goes to phase X mod S, column X / S (S: the
  ;; horizontal stride, so that a stride-S convolution reads consecutive columns of one phase).
  ;; Padding must already be zero (it is never written).
  (func (export "toPlanar")
    (param $x i32) (param $xP i32) (param $H i32) (param $W i32) (param $C i32) (param $Hp i32) (param $Wq i32)
    (param $pt i32) (param $pl i32) (param $S i32)
    (local $y i32) (local $xx i32) (local $c i32) (local $src i32) (local $dst i32) (local $plane i32)
    (local $phase i32) (local $col i32) (local $phase0 i32) (local $col0 i32)
    (local.set $plane (i32.shl (i32.mul (i32.mul (local.get $S) (local.get $Hp)) (local.get $Wq)) (i32.const 2)))
    ;; column $pl of the padded image: phase $pl mod S, column $pl / S (one division per call;
    ;; each next column steps the phase, wrapping to the next column)
    (local.set $phase0 (i32.rem_u (local.get $pl) (local.get $S)))
    (local.set $col0 (i32.div_u (local.get $pl) (local.get $S)))
    (local.set $src (local.get $x))
    (loop $yLoop
      (local.set $xx (i32.const 0))
      (local.set $phase (local.get $phase0))
      (local.set $col (local.get $col0))
      (loop $xLoop
        (local.set $dst
          (i32.add (local.get $xP)
            (i32.shl
              (i32.add
                (i32.mul (i32.add (i32.mul (local.get $phase) (local.get $Hp)) (i32.add (local.get $y) (local.get $pt))) (local.get $Wq))
                (local.get $col))
              (i32.const 2))))
        (local.set $c (i32.const 0))
        (loop $cLoop
          (f32.store (local.get $dst) (f32.load (local.get $src)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (local.get $plane)))
          (br_if $cLoop (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C))))
        (local.set $phase (i32.add (local.get $phase) (i32.const 1)))
        (if (i32.eq (local.get $phase) (local.get $S))
          (then
            (local.set $phase (i32.const 0))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))))
        (br_if $xLoop (i32.lt_u (local.tee $xx (i32.add (local.get $xx) (i32.const 1))) (local.get $W))))
      (br_if $yLoop (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $H)))))

  ;; Position-lane tiles at $out ([tile][F][16]) to one NHWC sample at $y (OH × OW × F): output row
  ;; oy holds runs of 8 positions; run j of the sample (rows in order, ceil(OW / 8) runs per row) is
  ;; lanes (j mod 2) * 8 .. + 7 of tile j / 2.
  (func (export "fromPositions")
    (param $out i32) (param $y i32) (param $F i32) (param $OH i32) (param $OW i32)
    (local $oy i32) (local $ox i32) (local $f i32) (local $j i32) (local $src i32) (local $dst i32)
    (local.set $dst (local.get $y))
    (loop $yLoop
      (local.set $ox (i32.const 0))
      (loop $xLoop
        (local.set $j
          (i32.add (i32.mul (local.get $oy) (i32.shr_u (i32.add (local.get $OW) (i32.const 7)) (i32.const 3)))
            (i32.shr_u (local.get $ox) (i32.const 3))))
        (local.set $src
          (i32.add (local.get $out)
            (i32.add
              (i32.shl (i32.mul (i32.shr_u (local.get $j) (i32.const 1)) (local.get $F)) (i32.const 6))
              (i32.shl (i32.add (i32.shl (i32.and (local.get $j) (i32.const 1)) (i32.const 3)) (i32.and (local.get $ox) (i32.const 7))) (i32.const 2)))))
        (local.set $f (i32.const 0))
        (loop $fLoop
          (f32.store (local.get $dst) (f32.load (local.get $src)))
          (local.set $src (i32.add (local.get $src) (i32.const 64)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (br_if $fLoop (i32.lt_u (local.tee $f (i32.add (local.get $f) (i32.const 1))) (local.get $F))))
        (br_if $xLoop (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $OW))))
      (br_if $yLoop (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $OH))))))
