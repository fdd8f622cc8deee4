define i32 @f(i32 %x) {
entry:
  %c = icmp sgt i32 %x, 0
  br i1 %c, label %a, label %b
a:
  %y = mul i32 %x, 3
  ret i32 %y
b:
  ret i32 0
}
