;; relu and relu6 in place, four floats at a time: out = min(max(x, 0), hi) over the $n floats at
;; address 0 of the module's own memory (the caller copies them in and out, and grows the memory).
;; WASM's max/min keep NaN, like the TypeScript loop; max(-0, 0) is +0 (the fused relu of the
;; conv and dense kernels gives the same). Used for activations the kernels do not fuse (ReLU6,
;; activation nodes), where a per-element JavaScript loop cost more than the convolutions; `add`
;; is a two-input add (a residual block's), clamped too when $relu is set: WASM's float32 sum is
;; the JavaScript one stored to a Float32Array (a double sum of two floats rounds to float32 once).
(module
  (memory (export "memory") 1)
  (func (export "clamp") (param $n i32) (param $hi f32)
    (local $p i32) (local $end i32) (local $end4 i32) (local $zero v128) (local $top v128)
    (local.set $top (f32x4.splat (local.get $hi)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $end4)))
        (v128.store (local.get $p) (f32x4.min (f32x4.max (v128.load (local.get $p)) (local.get $zero)) (local.get $top)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (f32.store (local.get $p) (f32.min (f32.max (f32.load (local.get $p)) (f32.const 0)) (local.get $hi)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $loop))))

  ;; x[i] = x[i] + y[i] for the $n floats x at address 0 and y at $y, then min(max(x, 0), hi) when $relu.
  (func (export "add") (param $y i32) (param $n i32) (param $relu i32) (param $hi f32)
    (local $p i32) (local $end i32) (local $end4 i32) (local $v v128) (local $s f32) (local $zero v128) (local $top v128)
    (local.set $top (f32x4.splat (local.get $hi)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $v (f32x4.add (v128.load (local.get $p)) (v128.load (i32.add (local.get $y) (local.get $p)))))
        (if (local.get $relu) (then (local.set $v (f32x4.min (f32x4.max (local.get $v) (local.get $zero)) (local.get $top)))))
        (v128.store (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.add (f32.load (local.get $p)) (f32.load (i32.add (local.get $y) (local.get $p)))))
        (if (local.get $relu) (then (local.set $s (f32.min (f32.max (local.get $s) (f32.const 0)) (local.get $hi)))))
        (f32.store (local.get $p) (local.get $s))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $loop)))))
