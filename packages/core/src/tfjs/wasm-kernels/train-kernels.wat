;; Training kernels in WASM SIMD that run on tfjs-backend-wasm's own memory (imported), so they
;; read and write its tensors in place.
;;
;; gemm: C = A · B without packing B. XNNPACK packs its weight operand whenever it changes, which in
;; training is every step (about 7 ms for a 784 × 300 matrix, more than the product itself).
;; pack_rows4, pack_cols4, gemm_packed: the same product skipping A's zeros (inputs, ReLU outputs).
;; adam: one fused Adam update.
;; filter_grad8, filter_grad4: blocks of a convolution's filter gradient, straight from the input image.
;; col2im: the scatter-add of a convolution's input gradient.
;; max_pool_grad: the max-pool gradient, 4 channels at a time.
(module
  (import "env" "memory" (memory 1))

  ;; C[M, N] = A[M, K] · B[K, N], row-major with row strides $lda, $ldb, $ldc (floats), M a multiple
  ;; of 4 and N of 8. Blocks of 4 rows × 8 columns keep 8 accumulators in registers; for each column
  ;; block the K × 8 panel of B is copied to $panel (K × 32 bytes, contiguous: it stays in L1) and
  ;; reused by every row block.
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32) (param $panel i32)
    (param $lda i32) (param $ldb i32) (param $ldc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $rowA i32) (local $rowB i32) (local $rowC i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pb i32) (local $pc i32)
    (local $x v128) (local $y v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowA (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $rowC (i32.shl (local.get $ldc) (i32.const 2)))
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
            (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
            (v128.store offset=0 (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store offset=0 (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store offset=0 (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store offset=0 (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jLoop))))

  ;; Sparse A for gemm_packed: for each block of 4 rows of A (M a multiple of 4), the columns k
  ;; where any of the 4 values is nonzero, as $idx[e] = k · 32 (the byte offset of row k of a
  ;; K × 8 panel) and $vals[e] = A[i .. i + 3, k] (16 bytes); $starts[b] is block b's first entry
  ;; and $starts[M / 4] the total, which is returned. pack_rows4 reads A row-major with row stride
  ;; $lda; pack_cols4 reads A stored transposed (A[i, k] at k · $lda + i: the 4 values adjacent).
  ;; Zeros of either sign are dropped: they add nothing to a sum (only Inf or NaN in B would differ).
  (func (export "pack_rows4") (param $a i32) (param $lda i32) (param $M i32) (param $K i32) (param $idx i32) (param $vals i32) (param $starts i32) (result i32)
    (local $i i32) (local $k i32) (local $e i32) (local $p i32) (local $rowA i32) (local $v v128)
    (local.set $rowA (i32.shl (local.get $lda) (i32.const 2)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
        (i32.store (i32.add (local.get $starts) (local.get $i)) (local.get $e))
        (local.set $p (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $v (f32x4.replace_lane 3
              (f32x4.replace_lane 2
                (f32x4.replace_lane 1 (v128.load32_zero (local.get $p)) (f32.load (i32.add (local.get $p) (local.get $rowA))))
                (f32.load (i32.add (local.get $p) (i32.shl (local.get $rowA) (i32.const 1)))))
              (f32.load (i32.add (local.get $p) (i32.mul (local.get $rowA) (i32.const 3))))))
            (v128.store (i32.add (local.get $vals) (i32.shl (local.get $e) (i32.const 4))) (local.get $v))
            (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (i32.shl (local.get $k) (i32.const 5)))
            (local.set $e (i32.add (local.get $e) (v128.any_true (v128.not (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop)))
    (i32.store (i32.add (local.get $starts) (local.get $M)) (local.get $e))
    (local.get $e))

  (func (export "pack_cols4") (param $a i32) (param $lda i32) (param $M i32) (param $K i32) (param $idx i32) (param $vals i32) (param $starts i32) (result i32)
    (local $i i32) (local $k i32) (local $e i32) (local $p i32) (local $rowA i32) (local $v v128)
    (local.set $rowA (i32.shl (local.get $lda) (i32.const 2)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
        (i32.store (i32.add (local.get $starts) (local.get $i)) (local.get $e))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $v (v128.load (local.get $p)))
            (v128.store (i32.add (local.get $vals) (i32.shl (local.get $e) (i32.const 4))) (local.get $v))
            (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (i32.shl (local.get $k) (i32.const 5)))
            (local.set $e (i32.add (local.get $e) (v128.any_true (v128.not (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0))))))
            (local.set $p (i32.add (local.get $p) (local.get $rowA)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop)))
    (i32.store (i32.add (local.get $starts) (local.get $M)) (local.get $e))
    (local.get $e))

  ;; C[M, N] = A · B for A packed by pack_rows4/pack_cols4 (N a multiple of 8, row strides $ldb,
  ;; $ldc): gemm's 4 × 8 blocks and K × 8 panels, with each block's sum running over its packed
  ;; entries only (the 4 values of an entry splatted by shuffles). The same products in the same
  ;; order as gemm, less the zero terms.
  (func (export "gemm_packed") (param $idx i32) (param $vals i32) (param $starts i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32) (param $panel i32)
    (param $ldb i32) (param $ldc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $e i32) (local $end i32) (local $rowB i32) (local $rowC i32)
    (local $pb i32) (local $pc i32) (local $a v128)
    (local $x v128) (local $y v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowB (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $rowC (i32.shl (local.get $ldc) (i32.const 2)))
    (block $jDone
      (loop $jLoop
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $N)))
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
            (local.set $e (i32.load (i32.add (local.get $starts) (local.get $i))))
            (local.set $end (i32.load offset=4 (i32.add (local.get $starts) (local.get $i))))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (local.get $c00))
            (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c00))
            (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c00))
            (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c00))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $e) (local.get $end)))
                (local.set $pb (i32.add (local.get $panel) (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))))))
                (local.set $a (v128.load (i32.add (local.get $vals) (i32.shl (local.get $e) (i32.const 4)))))
                (local.set $x (v128.load offset=0 (local.get $pb)))
                (local.set $y (v128.load offset=16 (local.get $pb)))
                (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $a) (local.get $a)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $a) (local.get $a)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $a) (local.get $a)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $a) (local.get $a)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $x))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $y))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (br $kLoop)))
            (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
            (v128.store offset=0 (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store offset=0 (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store offset=0 (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store offset=0 (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jLoop))))

  ;; Blocks of a convolution's filter gradient, dW[t, j] += Σ x[patch(n, oh, ow) + tap t] ·
  ;; dy[n, oh, ow, j], summed over every output pixel without writing the patch matrix (im2col):
  ;; filter_grad8 for 4 taps × 8 output channels, filter_grad4 for 4 taps × 4 channels. $x points
  ;; at pixel (0, 0, 0)'s patch origin in a padded NHWC image and the 4 taps are $o0..$o3 bytes
  ;; from a patch origin; $dy points at the block's first channel of the first output pixel.
  ;; Output pixels advance $xStep bytes along a row, $xRow bytes per output row and $xImage per
  ;; image in x, $dyStep bytes per pixel in dy (pixels in order). The block is added to $out (4
  ;; rows of 8 or 4 floats).
  (func (export "filter_grad8")
    (param $x i32) (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32) (param $dy i32) (param $out i32)
    (param $N i32) (param $OH i32) (param $OW i32) (param $xImage i32) (param $xRow i32) (param $xStep i32) (param $dyStep i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $px i32) (local $pd i32) (local $row i32)
    (local $y0 v128) (local $y1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $c00 (v128.load offset=0 (local.get $out)))
    (local.set $c01 (v128.load offset=16 (local.get $out)))
    (local.set $c10 (v128.load offset=32 (local.get $out)))
    (local.set $c11 (v128.load offset=48 (local.get $out)))
    (local.set $c20 (v128.load offset=64 (local.get $out)))
    (local.set $c21 (v128.load offset=80 (local.get $out)))
    (local.set $c30 (v128.load offset=96 (local.get $out)))
    (local.set $c31 (v128.load offset=112 (local.get $out)))
    (local.set $pd (local.get $dy))
    (block $nDone
      (loop $nLoop
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $xImage))))
        (local.set $oh (local.get $OH))
        (block $ohDone
          (loop $ohLoop
            (br_if $ohDone (i32.eqz (local.get $oh)))
            (local.set $px (local.get $row))
            (local.set $ow (local.get $OW))
            (block $owDone
              (loop $owLoop
                (br_if $owDone (i32.eqz (local.get $ow)))
                (local.set $y0 (v128.load offset=0 (local.get $pd)))
                (local.set $y1 (v128.load offset=16 (local.get $pd)))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o0))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $y1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o1))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $y1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o2))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $y1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o3))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $y1))))
                (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                (local.set $pd (i32.add (local.get $pd) (local.get $dyStep)))
                (local.set $ow (i32.sub (local.get $ow) (i32.const 1)))
                (br $owLoop)))
            (local.set $row (i32.add (local.get $row) (local.get $xRow)))
            (local.set $oh (i32.sub (local.get $oh) (i32.const 1)))
            (br $ohLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $nLoop)))
    (v128.store offset=0 (local.get $out) (local.get $c00)) (v128.store offset=16 (local.get $out) (local.get $c01)) (v128.store offset=32 (local.get $out) (local.get $c10)) (v128.store offset=48 (local.get $out) (local.get $c11)) (v128.store offset=64 (local.get $out) (local.get $c20)) (v128.store offset=80 (local.get $out) (local.get $c21)) (v128.store offset=96 (local.get $out) (local.get $c30)) (v128.store offset=112 (local.get $out) (local.get $c31)))

  (func (export "filter_grad4")
    (param $x i32) (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32) (param $dy i32) (param $out i32)
    (param $N i32) (param $OH i32) (param $OW i32) (param $xImage i32) (param $xRow i32) (param $xStep i32) (param $dyStep i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $px i32) (local $pd i32) (local $row i32)
    (local $y0 v128) (local $y1 v128) (local $s v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $c0 (v128.load offset=0 (local.get $out)))
    (local.set $c1 (v128.load offset=16 (local.get $out)))
    (local.set $c2 (v128.load offset=32 (local.get $out)))
    (local.set $c3 (v128.load offset=48 (local.get $out)))
    (local.set $pd (local.get $dy))
    (block $nDone
      (loop $nLoop
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $xImage))))
        (local.set $oh (local.get $OH))
        (block $ohDone
          (loop $ohLoop
            (br_if $ohDone (i32.eqz (local.get $oh)))
            (local.set $px (local.get $row))
            (local.set $ow (local.get $OW))
            (block $owDone
              (loop $owLoop
                (br_if $owDone (i32.eqz (local.get $ow)))
                (local.set $y0 (v128.load offset=0 (local.get $pd)))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o0))))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o1))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o2))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o3))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $s) (local.get $y0))))
                (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                (local.set $pd (i32.add (local.get $pd) (local.get $dyStep)))
                (local.set $ow (i32.sub (local.get $ow) (i32.const 1)))
                (br $owLoop)))
            (local.set $row (i32.add (local.get $row) (local.get $xRow)))
            (local.set $oh (i32.sub (local.get $oh) (i32.const 1)))
            (br $ohLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $nLoop)))
    (v128.store offset=0 (local.get $out) (local.get $c0)) (v128.store offset=16 (local.get $out) (local.get $c1)) (v128.store offset=32 (local.get $out) (local.get $c2)) (v128.store offset=48 (local.get $out) (local.get $c3)))

  ;; The scatter-add of a convolution's input gradient (col2im): every output pixel's row of
  ;; $col (KH runs of $run floats, one per filter row: its (kw, c) taps) is added onto the padded
  ;; NHWC image $dx at the pixel's patch; $dx must start zeroed. Output pixels advance $xStep bytes
  ;; along a row, $xRow per output row and $xImage per image; filter rows are $rowBytes apart.
  ;; Four floats at a time, the run's last $run mod 4 one by one.
  (func (export "col2im")
    (param $col i32) (param $dx i32) (param $N i32) (param $OH i32) (param $OW i32) (param $KH i32) (param $run i32)
    (param $xImage i32) (param $xRow i32) (param $xStep i32) (param $rowBytes i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $r i32) (local $row i32) (local $px i32) (local $p i32) (local $end i32) (local $wide i32)
    (local.set $wide (i32.shl (i32.and (local.get $run) (i32.const -4)) (i32.const 2)))
    (block $nDone
      (loop $nLoop
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $row (i32.add (local.get $dx) (i32.mul (local.get $n) (local.get $xImage))))
        (local.set $oh (local.get $OH))
        (block $ohDone
          (loop $ohLoop
            (br_if $ohDone (i32.eqz (local.get $oh)))
            (local.set $px (local.get $row))
            (local.set $ow (local.get $OW))
            (block $owDone
              (loop $owLoop
                (br_if $owDone (i32.eqz (local.get $ow)))
                (local.set $r (local.get $KH))
                (local.set $p (local.get $px))
                (block $rDone
                  (loop $rLoop
                    (br_if $rDone (i32.eqz (local.get $r)))
                    (local.set $end (i32.add (local.get $p) (local.get $wide)))
                    (block $vDone
                      (loop $vLoop
                        (br_if $vDone (i32.ge_u (local.get $p) (local.get $end)))
                        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (v128.load (local.get $col))))
                        (local.set $p (i32.add (local.get $p) (i32.const 16)))
                        (local.set $col (i32.add (local.get $col) (i32.const 16)))
                        (br $vLoop)))
                    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $run) (i32.const 3)) (i32.const 2))))
                    (block $sDone
                      (loop $sLoop
                        (br_if $sDone (i32.ge_u (local.get $p) (local.get $end)))
                        (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.load (local.get $col))))
                        (local.set $p (i32.add (local.get $p) (i32.const 4)))
                        (local.set $col (i32.add (local.get $col) (i32.const 4)))
                        (br $sLoop)))
                    ;; the next filter row of this patch
                    (local.set $p (i32.add (i32.sub (local.get $p) (i32.shl (local.get $run) (i32.const 2))) (local.get $rowBytes)))
                    (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                    (br $rLoop)))
                (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                (local.set $ow (i32.sub (local.get $ow) (i32.const 1)))
                (br $owLoop)))
            (local.set $row (i32.add (local.get $row) (local.get $xRow)))
            (local.set $oh (i32.sub (local.get $oh) (i32.const 1)))
            (br $ohLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $nLoop))))

  ;; Max-pool gradient, 4 channels at a time, for channels 0 .. $C4 (a multiple of 4) of $C: for
  ;; every output pixel and channel, the first maximum of its window in $x (row-major window order, strict >, as tfjs's cpu
  ;; backend) receives the pixel's $dy. $dx must start zeroed. Windows are clipped to the image:
  ;; the output pixel (oh, ow) covers rows oh·SH − top ..+FH and columns ow·SW − left ..+FW.
  (func (export "max_pool_grad")
    (param $x i32) (param $dy i32) (param $dx i32) (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $C4 i32)
    (param $OH i32) (param $OW i32) (param $FH i32) (param $FW i32) (param $SH i32) (param $SW i32) (param $top i32) (param $left i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $c i32) (local $h i32) (local $w i32)
    (local $hs i32) (local $he i32) (local $ws i32) (local $we i32) (local $i i32) (local $pd i32) (local $at i32)
    (local $best v128) (local $where v128) (local $v v128) (local $m v128) (local $g v128)
    (local.set $pd (local.get $dy))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_u (local.get $oh) (local.get $OH)))
        (local.set $hs (i32.sub (i32.mul (local.get $oh) (local.get $SH)) (local.get $top)))
        (local.set $he (i32.add (local.get $hs) (local.get $FH)))
        (if (i32.lt_s (local.get $hs) (i32.const 0)) (then (local.set $hs (i32.const 0))))
        (if (i32.gt_s (local.get $he) (local.get $H)) (then (local.set $he (local.get $H))))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_u (local.get $ow) (local.get $OW)))
          (local.set $ws (i32.sub (i32.mul (local.get $ow) (local.get $SW)) (local.get $left)))
          (local.set $we (i32.add (local.get $ws) (local.get $FW)))
          (if (i32.lt_s (local.get $ws) (i32.const 0)) (then (local.set $ws (i32.const 0))))
          (if (i32.gt_s (local.get $we) (local.get $W)) (then (local.set $we (local.get $W))))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $C4)))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $where (i32x4.splat (i32.const -1)))
            (local.set $h (local.get $hs))
            (block $hDone (loop $hLoop
              (br_if $hDone (i32.ge_s (local.get $h) (local.get $he)))
              (local.set $w (local.get $ws))
              (block $wDone (loop $wLoop
                (br_if $wDone (i32.ge_s (local.get $w) (local.get $we)))
                ;; element index of (n, h, w, c)
                (local.set $i (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $h)) (local.get $W)) (local.get $w)) (local.get $C)) (local.get $c)))
                (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                (local.set $where (v128.bitselect (i32x4.add (i32x4.splat (local.get $i)) (v128.const i32x4 0 1 2 3)) (local.get $where) (local.get $m)))
                (local.set $w (i32.add (local.get $w) (i32.const 1)))
                (br $wLoop)))
              (local.set $h (i32.add (local.get $h) (i32.const 1)))
              (br $hLoop)))
            (local.set $g (v128.load (i32.add (local.get $pd) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $at (i32x4.extract_lane 0 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0)) (then (local.set $at (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))))
              (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 0 (local.get $g))))))
            (local.set $at (i32x4.extract_lane 1 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0)) (then (local.set $at (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))))
              (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 1 (local.get $g))))))
            (local.set $at (i32x4.extract_lane 2 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0)) (then (local.set $at (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))))
              (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 2 (local.get $g))))))
            (local.set $at (i32x4.extract_lane 3 (local.get $where)))
            (if (i32.ge_s (local.get $at) (i32.const 0)) (then (local.set $at (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))))
              (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 3 (local.get $g))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cLoop)))
          (local.set $pd (i32.add (local.get $pd) (i32.shl (local.get $C) (i32.const 2))))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))

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
