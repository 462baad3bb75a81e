;; Sparse × dense product for a tile of 16 samples, from codes + codebook (WASM SIMD).
;;
;;   yT[col, 0..16] += codebook[code] * xT[row, 0..16]   for every kept weight (row, col, code)
;;
;; xT: rows × 16 f32 (the tile's inputs, transposed so one input row's 16 samples are contiguous).
;; yT: cols × 16 f32 (accumulates; holds the bias on entry).
;; rowPtr: rows + 1 u32, entries of row r are rowPtr[r] .. rowPtr[r + 1].
;; entries: u32 each, (col << shift) | code.
;; codebook: f32 values looked up by code in the inner loop.
;; A row whose 16 inputs are all zero is skipped (activation sparsity, as EIE).
(module
  (import "env" "memory" (memory 1))
  (func (export "spmm16")
    (param $xT i32) (param $yT i32) (param $rowPtr i32) (param $entries i32) (param $codebook i32)
    (param $rows i32) (param $shift i32) (param $mask i32)
    (local $r i32) (local $k i32) (local $end i32) (local $e i32) (local $y i32) (local $xp i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $w v128) (local $zero v128)
    (if (i32.eqz (local.get $rows)) (then (return)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $k (i32.load (local.get $rowPtr)))
    (loop $rowLoop
      (local.set $end
        (i32.load (i32.add (local.get $rowPtr) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
      (local.set $xp (i32.add (local.get $xT) (i32.shl (local.get $r) (i32.const 6))))
      (local.set $x0 (v128.load offset=0 (local.get $xp)))
      (local.set $x1 (v128.load offset=16 (local.get $xp)))
      (local.set $x2 (v128.load offset=32 (local.get $xp)))
      (local.set $x3 (v128.load offset=48 (local.get $xp)))
      (if
        (i32.and
          (i32.lt_u (local.get $k) (local.get $end))
          (v128.any_true
            (v128.or
              (v128.or (f32x4.ne (local.get $x0) (local.get $zero)) (f32x4.ne (local.get $x1) (local.get $zero)))
              (v128.or (f32x4.ne (local.get $x2) (local.get $zero)) (f32x4.ne (local.get $x3) (local.get $zero))))))
        (then
          (loop $entryLoop
            (local.set $e (i32.load (i32.add (local.get $entries) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $w
              (f32x4.splat
                (f32.load (i32.add (local.get $codebook) (i32.shl (i32.and (local.get $e) (local.get $mask)) (i32.const 2))))))
            (local.set $y (i32.add (local.get $yT) (i32.shl (i32.shr_u (local.get $e) (local.get $shift)) (i32.const 6))))
            (v128.store offset=0 (local.get $y)
              (f32x4.add (v128.load offset=0 (local.get $y)) (f32x4.mul (local.get $w) (local.get $x0))))
            (v128.store offset=16 (local.get $y)
              (f32x4.add (v128.load offset=16 (local.get $y)) (f32x4.mul (local.get $w) (local.get $x1))))
            (v128.store offset=32 (local.get $y)
              (f32x4.add (v128.load offset=32 (local.get $y)) (f32x4.mul (local.get $w) (local.get $x2))))
            (v128.store offset=48 (local.get $y)
              (f32x4.add (v128.load offset=48 (local.get $y)) (f32x4.mul (local.get $w) (local.get $x3))))
            (br_if $entryLoop
              (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $end))))))
      (local.set $k (local.get $end))
      (br_if $rowLoop (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows))))))
