;; Depthwise convolution (channel multiplier 1) straight on NHWC, WASM SIMD: four neighbouring
;; channels in the four lanes, so neither the input nor the output changes layout (the direct
;; sparse convolution of sparse-conv.wat puts 16 samples in the lanes: two layout passes per
;; layer, as costly as the ≤ 9 products per output of a depthwise layer).
;;
;; One sample at a time: `pad` copies it into a zero-padded image [Hp][Wp][C], then `conv3x3` (9
;; taps) or `conv` (any number) writes [OH][OW][C]. Weights are dense (a pruned tap is 0), laid out
;; per group of four channels: [C / 4][taps][4]. Tap t of the output at (oy, ox) reads the padded
;; image at (oy · SY · Wp + ox · SX) · C · 4 + offs[t] bytes, channel group g 16 bytes further per
;; group. Each output starts at its bias and adds the taps in order, one product at a time (the
;; order and rounding of the sparse kernels); relu clamps to [0, $hi].
(module
  (import "env" "memory" (memory 1))

  ;; One sample, H × W × C floats at $x, into the padded image at $xp (row $pt, column $pl); the
  ;; padding must already be zero (it is never written).
  (func (export "pad")
    (param $x i32) (param $xp i32) (param $H i32) (param $W i32) (param $C i32) (param $Wp i32) (param $pt i32) (param $pl i32)
    (local $y i32) (local $row i32)
    (local.set $row (i32.shl (i32.mul (local.get $W) (local.get $C)) (i32.const 2)))
    (if (i32.eqz (local.get $row)) (then (return)))
    (loop $rows
      (memory.copy
        (i32.add (local.get $xp)
          (i32.shl (i32.mul (i32.add (i32.mul (i32.add (local.get $y) (local.get $pt)) (local.get $Wp)) (local.get $pl)) (local.get $C)) (i32.const 2)))
        (i32.add (local.get $x) (i32.mul (local.get $y) (local.get $row)))
        (local.get $row))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $H)))))

  ;; Any number of taps ($T): offsets at $offs (T i32), weights at $w ([C / 4][T][4]), bias at
  ;; $bias (C floats), output at $out ([OH][OW][C]).
  (func (export "conv")
    (param $xp i32) (param $w i32) (param $bias i32) (param $offs i32) (param $T i32) (param $out i32)
    (param $C i32) (param $Wp i32) (param $OH i32) (param $OW i32) (param $SY i32) (param $SX i32) (param $relu i32) (param $hi f32)
    (local $g i32) (local $oy i32) (local $ox i32) (local $t i32) (local $row i32) (local $p i32) (local $wg i32) (local $o i32)
    (local $pixel i32) (local $rowStep i32) (local $colStep i32)
    (local $acc v128) (local $b v128) (local $zero v128) (local $top v128)
    (local.set $top (f32x4.splat (local.get $hi)))
    (local.set $pixel (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowStep (i32.mul (i32.mul (local.get $SY) (local.get $Wp)) (local.get $pixel)))
    (local.set $colStep (i32.mul (local.get $SX) (local.get $pixel)))
    (loop $groups
      (local.set $b (v128.load (i32.add (local.get $bias) (i32.shl (local.get $g) (i32.const 4)))))
      (local.set $wg (i32.add (local.get $w) (i32.shl (i32.mul (local.get $g) (local.get $T)) (i32.const 4))))
      (local.set $row (i32.add (local.get $xp) (i32.shl (local.get $g) (i32.const 4))))
      (local.set $o (i32.add (local.get $out) (i32.shl (local.get $g) (i32.const 4))))
      (local.set $oy (i32.const 0))
      (loop $rows
        (local.set $p (local.get $row))
        (local.set $ox (i32.const 0))
        (loop $cols
          (local.set $acc (local.get $b))
          (local.set $t (i32.const 0))
          (loop $taps
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul
                  (v128.load (i32.add (local.get $wg) (i32.shl (local.get $t) (i32.const 4))))
                  (v128.load (i32.add (local.get $p) (i32.load (i32.add (local.get $offs) (i32.shl (local.get $t) (i32.const 2)))))))))
            (br_if $taps (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
          (if (local.get $relu)
            (then (local.set $acc (f32x4.min (f32x4.max (local.get $acc) (local.get $zero)) (local.get $top)))))
          (v128.store (local.get $o) (local.get $acc))
          (local.set $o (i32.add (local.get $o) (local.get $pixel)))
          (local.set $p (i32.add (local.get $p) (local.get $colStep)))
          (br_if $cols (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $OW))))
        (local.set $row (i32.add (local.get $row) (local.get $rowStep)))
        (br_if $rows (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $OH))))
      (br_if $groups (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 1))) (i32.shr_u (local.get $C) (i32.const 2))))))

  ;; `conv` with exactly 9 taps, their weights and offsets held in locals for a whole group.
  (func (export "conv3x3")
    (param $xp i32) (param $w i32) (param $bias i32) (param $offs i32) (param $out i32)
    (param $C i32) (param $Wp i32) (param $OH i32) (param $OW i32) (param $SY i32) (param $SX i32) (param $relu i32) (param $hi f32)
    (local $g i32) (local $oy i32) (local $ox i32) (local $row i32) (local $p i32) (local $o i32)
    (local $pixel i32) (local $rowStep i32) (local $colStep i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o4 i32) (local $o5 i32) (local $o6 i32) (local $o7 i32) (local $o8 i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128)
    (local $acc v128) (local $b v128) (local $zero v128) (local $top v128)
    (local.set $top (f32x4.splat (local.get $hi)))
    (local.set $pixel (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowStep (i32.mul (i32.mul (local.get $SY) (local.get $Wp)) (local.get $pixel)))
    (local.set $colStep (i32.mul (local.get $SX) (local.get $pixel)))
    (local.set $o0 (i32.load offset=0 (local.get $offs)))
    (local.set $o1 (i32.load offset=4 (local.get $offs)))
    (local.set $o2 (i32.load offset=8 (local.get $offs)))
    (local.set $o3 (i32.load offset=12 (local.get $offs)))
    (local.set $o4 (i32.load offset=16 (local.get $offs)))
    (local.set $o5 (i32.load offset=20 (local.get $offs)))
    (local.set $o6 (i32.load offset=24 (local.get $offs)))
    (local.set $o7 (i32.load offset=28 (local.get $offs)))
    (local.set $o8 (i32.load offset=32 (local.get $offs)))
    (loop $groups
      (local.set $b (v128.load (i32.add (local.get $bias) (i32.shl (local.get $g) (i32.const 4)))))
      (local.set $p (i32.add (local.get $w) (i32.mul (local.get $g) (i32.const 144))))
      (local.set $w0 (v128.load offset=0 (local.get $p)))
      (local.set $w1 (v128.load offset=16 (local.get $p)))
      (local.set $w2 (v128.load offset=32 (local.get $p)))
      (local.set $w3 (v128.load offset=48 (local.get $p)))
      (local.set $w4 (v128.load offset=64 (local.get $p)))
      (local.set $w5 (v128.load offset=80 (local.get $p)))
      (local.set $w6 (v128.load offset=96 (local.get $p)))
      (local.set $w7 (v128.load offset=112 (local.get $p)))
      (local.set $w8 (v128.load offset=128 (local.get $p)))
      (local.set $row (i32.add (local.get $xp) (i32.shl (local.get $g) (i32.const 4))))
      (local.set $o (i32.add (local.get $out) (i32.shl (local.get $g) (i32.const 4))))
      (local.set $oy (i32.const 0))
      (loop $rows
        (local.set $p (local.get $row))
        (local.set $ox (i32.const 0))
        (loop $cols
          (local.set $acc (f32x4.add (local.get $b) (f32x4.mul (local.get $w0) (v128.load (i32.add (local.get $p) (local.get $o0))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w1) (v128.load (i32.add (local.get $p) (local.get $o1))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w2) (v128.load (i32.add (local.get $p) (local.get $o2))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w3) (v128.load (i32.add (local.get $p) (local.get $o3))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w4) (v128.load (i32.add (local.get $p) (local.get $o4))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w5) (v128.load (i32.add (local.get $p) (local.get $o5))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w6) (v128.load (i32.add (local.get $p) (local.get $o6))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w7) (v128.load (i32.add (local.get $p) (local.get $o7))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $w8) (v128.load (i32.add (local.get $p) (local.get $o8))))))
          (if (local.get $relu)
            (then (local.set $acc (f32x4.min (f32x4.max (local.get $acc) (local.get $zero)) (local.get $top)))))
          (v128.store (local.get $o) (local.get $acc))
          (local.set $o (i32.add (local.get $o) (local.get $pixel)))
          (local.set $p (i32.add (local.get $p) (local.get $colStep)))
          (br_if $cols (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $OW))))
        (local.set $row (i32.add (local.get $row) (local.get $rowStep)))
        (br_if $rows (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $OH))))
      (br_if $groups (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 1))) (i32.shr_u (local.get $C) (i32.const 2)))))))
