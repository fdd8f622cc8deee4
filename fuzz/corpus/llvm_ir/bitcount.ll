; ModuleID = 'llvm_module/bitcount.bc'
source_filename = "llvm-link"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@byte_table = internal global [256 x i8] zeroinitializer, align 16
@__const.main.methods = private unnamed_addr constant [5 x ptr] [ptr @count_naive, ptr @count_kernighan, ptr @count_table, ptr @count_swar, ptr @count_nibbles], align 16
@main.names = internal constant [5 x ptr] [ptr @.str, ptr @.str.1, ptr @.str.2, ptr @.str.3, ptr @.str.4], align 16
@.str = private unnamed_addr constant [6 x i8] c"naive\00", align 1
@.str.1 = private unnamed_addr constant [10 x i8] c"kernighan\00", align 1
@.str.2 = private unnamed_addr constant [6 x i8] c"table\00", align 1
@.str.3 = private unnamed_addr constant [5 x i8] c"swar\00", align 1
@.str.4 = private unnamed_addr constant [8 x i8] c"nibbles\00", align 1
@.str.5 = private unnamed_addr constant [22 x i8] c"%-10s total bits %lu\0A\00", align 1
@.str.6 = private unnamed_addr constant [58 x i8] c"odd parity words %u, leading zeros %lu, disagreements %u\0A\00", align 1
@.str.7 = private unnamed_addr constant [18 x i8] c"checksum: 0x%08x\0A\00", align 1
@count_nibbles.nib = internal constant [16 x i32] [i32 0, i32 1, i32 1, i32 2, i32 1, i32 2, i32 2, i32 3, i32 1, i32 2, i32 2, i32 3, i32 2, i32 3, i32 3, i32 4], align 16

; Function Attrs: nounwind uwtable
define dso_local i32 @main() #0 {
  %1 = alloca i32, align 4
  %2 = alloca i32, align 4
  %3 = alloca [5 x ptr], align 16
  %4 = alloca [5 x i64], align 16
  %5 = alloca i32, align 4
  %6 = alloca i32, align 4
  %7 = alloca i64, align 8
  %8 = alloca i32, align 4
  %9 = alloca i32, align 4
  %10 = alloca i32, align 4
  %11 = alloca i32, align 4
  %12 = alloca i32, align 4
  %13 = alloca i32, align 4
  %14 = alloca i32, align 4
  %15 = alloca i32, align 4
  store i32 0, ptr %1, align 4
  call void @llvm.lifetime.start.p0(i64 4, ptr %2) #5
  store i32 0, ptr %2, align 4, !tbaa !5
  br label %16

16:                                               ; preds = %27, %0
  %17 = load i32, ptr %2, align 4, !tbaa !5
  %18 = icmp slt i32 %17, 256
  br i1 %18, label %20, label %19

19:                                               ; preds = %16
  call void @llvm.lifetime.end.p0(i64 4, ptr %2) #5
  br label %30

20:                                               ; preds = %16
  %21 = load i32, ptr %2, align 4, !tbaa !5
  %22 = call i32 @count_naive(i32 noundef %21)
  %23 = trunc i32 %22 to i8
  %24 = load i32, ptr %2, align 4, !tbaa !5
  %25 = sext i32 %24 to i64
  %26 = getelementptr inbounds [256 x i8], ptr @byte_table, i64 0, i64 %25
  store i8 %23, ptr %26, align 1, !tbaa !9
  br label %27

27:                                               ; preds = %20
  %28 = load i32, ptr %2, align 4, !tbaa !5
  %29 = add nsw i32 %28, 1
  store i32 %29, ptr %2, align 4, !tbaa !5
  br label %16, !llvm.loop !10

30:                                               ; preds = %19
  call void @llvm.lifetime.start.p0(i64 40, ptr %3) #5
  call void @llvm.memcpy.p0.p0.i64(ptr align 16 %3, ptr align 16 @__const.main.methods, i64 40, i1 false)
  call void @llvm.lifetime.start.p0(i64 40, ptr %4) #5
  call void @llvm.memset.p0.i64(ptr align 16 %4, i8 0, i64 40, i1 false)
  call void @llvm.lifetime.start.p0(i64 4, ptr %5) #5
  store i32 0, ptr %5, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %6) #5
  store i32 0, ptr %6, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 8, ptr %7) #5
  store i64 0, ptr %7, align 8, !tbaa !13
  call void @llvm.lifetime.start.p0(i64 4, ptr %8) #5
  store i32 1, ptr %8, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %9) #5
  store i32 0, ptr %9, align 4, !tbaa !5
  br label %31

31:                                               ; preds = %105, %30
  %32 = load i32, ptr %9, align 4, !tbaa !5
  %33 = icmp slt i32 %32, 20000
  br i1 %33, label %35, label %34

34:                                               ; preds = %31
  store i32 5, ptr %10, align 4
  call void @llvm.lifetime.end.p0(i64 4, ptr %9) #5
  br label %108

35:                                               ; preds = %31
  %36 = load i32, ptr %8, align 4, !tbaa !5
  %37 = mul i32 %36, 69069
  %38 = add i32 %37, 1
  store i32 %38, ptr %8, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %11) #5
  %39 = load i32, ptr %9, align 4, !tbaa !5
  %40 = and i32 %39, 1
  %41 = icmp ne i32 %40, 0
  br i1 %41, label %42, label %44

42:                                               ; preds = %35
  %43 = load i32, ptr %8, align 4, !tbaa !5
  br label %52

44:                                               ; preds = %35
  %45 = load i32, ptr %8, align 4, !tbaa !5
  %46 = load i32, ptr %8, align 4, !tbaa !5
  %47 = lshr i32 %46, 3
  %48 = and i32 %45, %47
  %49 = load i32, ptr %8, align 4, !tbaa !5
  %50 = lshr i32 %49, 7
  %51 = and i32 %48, %50
  br label %52

52:                                               ; preds = %44, %42
  %53 = phi i32 [ %43, %42 ], [ %51, %44 ]
  store i32 %53, ptr %11, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %12) #5
  %54 = getelementptr inbounds [5 x ptr], ptr %3, i64 0, i64 0
  %55 = load ptr, ptr %54, align 16, !tbaa !15
  %56 = load i32, ptr %11, align 4, !tbaa !5
  %57 = call i32 %55(i32 noundef %56)
  store i32 %57, ptr %12, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %13) #5
  store i32 0, ptr %13, align 4, !tbaa !5
  br label %58

58:                                               ; preds = %83, %52
  %59 = load i32, ptr %13, align 4, !tbaa !5
  %60 = icmp slt i32 %59, 5
  br i1 %60, label %62, label %61

61:                                               ; preds = %58
  store i32 8, ptr %10, align 4
  call void @llvm.lifetime.end.p0(i64 4, ptr %13) #5
  br label %86

62:                                               ; preds = %58
  call void @llvm.lifetime.start.p0(i64 4, ptr %14) #5
  %63 = load i32, ptr %13, align 4, !tbaa !5
  %64 = sext i32 %63 to i64
  %65 = getelementptr inbounds [5 x ptr], ptr %3, i64 0, i64 %64
  %66 = load ptr, ptr %65, align 8, !tbaa !15
  %67 = load i32, ptr %11, align 4, !tbaa !5
  %68 = call i32 %66(i32 noundef %67)
  store i32 %68, ptr %14, align 4, !tbaa !5
  %69 = load i32, ptr %14, align 4, !tbaa !5
  %70 = sext i32 %69 to i64
  %71 = load i32, ptr %13, align 4, !tbaa !5
  %72 = sext i32 %71 to i64
  %73 = getelementptr inbounds [5 x i64], ptr %4, i64 0, i64 %72
  %74 = load i64, ptr %73, align 8, !tbaa !13
  %75 = add i64 %74, %70
  store i64 %75, ptr %73, align 8, !tbaa !13
  %76 = load i32, ptr %14, align 4, !tbaa !5
  %77 = load i32, ptr %12, align 4, !tbaa !5
  %78 = icmp ne i32 %76, %77
  br i1 %78, label %79, label %82

79:                                               ; preds = %62
  %80 = load i32, ptr %5, align 4, !tbaa !5
  %81 = add i32 %80, 1
  store i32 %81, ptr %5, align 4, !tbaa !5
  br label %82

82:                                               ; preds = %79, %62
  call void @llvm.lifetime.end.p0(i64 4, ptr %14) #5
  br label %83

83:                                               ; preds = %82
  %84 = load i32, ptr %13, align 4, !tbaa !5
  %85 = add nsw i32 %84, 1
  store i32 %85, ptr %13, align 4, !tbaa !5
  br label %58, !llvm.loop !17

86:                                               ; preds = %61
  %87 = load i32, ptr %11, align 4, !tbaa !5
  %88 = call i32 @parity(i32 noundef %87)
  %89 = load i32, ptr %12, align 4, !tbaa !5
  %90 = and i32 %89, 1
  %91 = icmp ne i32 %88, %90
  br i1 %91, label %92, label %95

92:                                               ; preds = %86
  %93 = load i32, ptr %5, align 4, !tbaa !5
  %94 = add i32 %93, 1
  store i32 %94, ptr %5, align 4, !tbaa !5
  br label %95

95:                                               ; preds = %92, %86
  %96 = load i32, ptr %11, align 4, !tbaa !5
  %97 = call i32 @parity(i32 noundef %96)
  %98 = load i32, ptr %6, align 4, !tbaa !5
  %99 = add i32 %98, %97
  store i32 %99, ptr %6, align 4, !tbaa !5
  %100 = load i32, ptr %11, align 4, !tbaa !5
  %101 = call i32 @leading_zeros(i32 noundef %100)
  %102 = sext i32 %101 to i64
  %103 = load i64, ptr %7, align 8, !tbaa !13
  %104 = add i64 %103, %102
  store i64 %104, ptr %7, align 8, !tbaa !13
  call void @llvm.lifetime.end.p0(i64 4, ptr %12) #5
  call void @llvm.lifetime.end.p0(i64 4, ptr %11) #5
  br label %105

105:                                              ; preds = %95
  %106 = load i32, ptr %9, align 4, !tbaa !5
  %107 = add nsw i32 %106, 1
  store i32 %107, ptr %9, align 4, !tbaa !5
  br label %31, !llvm.loop !18

108:                                              ; preds = %34
  call void @llvm.lifetime.start.p0(i64 4, ptr %15) #5
  store i32 0, ptr %15, align 4, !tbaa !5
  br label %109

109:                                              ; preds = %123, %108
  %110 = load i32, ptr %15, align 4, !tbaa !5
  %111 = icmp slt i32 %110, 5
  br i1 %111, label %113, label %112

112:                                              ; preds = %109
  store i32 11, ptr %10, align 4
  call void @llvm.lifetime.end.p0(i64 4, ptr %15) #5
  br label %126

113:                                              ; preds = %109
  %114 = load i32, ptr %15, align 4, !tbaa !5
  %115 = sext i32 %114 to i64
  %116 = getelementptr inbounds [5 x ptr], ptr @main.names, i64 0, i64 %115
  %117 = load ptr, ptr %116, align 8, !tbaa !15
  %118 = load i32, ptr %15, align 4, !tbaa !5
  %119 = sext i32 %118 to i64
  %120 = getelementptr inbounds [5 x i64], ptr %4, i64 0, i64 %119
  %121 = load i64, ptr %120, align 8, !tbaa !13
  %122 = call i32 (ptr, ...) @printf(ptr noundef @.str.5, ptr noundef %117, i64 noundef %121)
  br label %123

123:                                              ; preds = %113
  %124 = load i32, ptr %15, align 4, !tbaa !5
  %125 = add nsw i32 %124, 1
  store i32 %125, ptr %15, align 4, !tbaa !5
  br label %109, !llvm.loop !19

126:                                              ; preds = %112
  %127 = load i32, ptr %6, align 4, !tbaa !5
  %128 = load i64, ptr %7, align 8, !tbaa !13
  %129 = load i32, ptr %5, align 4, !tbaa !5
  %130 = call i32 (ptr, ...) @printf(ptr noundef @.str.6, i32 noundef %127, i64 noundef %128, i32 noundef %129)
  %131 = getelementptr inbounds [5 x i64], ptr %4, i64 0, i64 0
  %132 = load i64, ptr %131, align 16, !tbaa !13
  %133 = mul i64 %132, 2654435761
  %134 = load i64, ptr %7, align 8, !tbaa !13
  %135 = xor i64 %133, %134
  %136 = load i32, ptr %6, align 4, !tbaa !5
  %137 = shl i32 %136, 16
  %138 = zext i32 %137 to i64
  %139 = xor i64 %135, %138
  %140 = trunc i64 %139 to i32
  %141 = call i32 (ptr, ...) @printf(ptr noundef @.str.7, i32 noundef %140)
  store i32 0, ptr %1, align 4
  store i32 1, ptr %10, align 4
  call void @llvm.lifetime.end.p0(i64 4, ptr %8) #5
  call void @llvm.lifetime.end.p0(i64 8, ptr %7) #5
  call void @llvm.lifetime.end.p0(i64 4, ptr %6) #5
  call void @llvm.lifetime.end.p0(i64 4, ptr %5) #5
  call void @llvm.lifetime.end.p0(i64 40, ptr %4) #5
  call void @llvm.lifetime.end.p0(i64 40, ptr %3) #5
  %142 = load i32, ptr %1, align 4
  ret i32 %142
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.start.p0(i64 immarg, ptr nocapture) #1

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.end.p0(i64 immarg, ptr nocapture) #1

; Function Attrs: nounwind uwtable
define internal i32 @count_naive(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  %3 = alloca i32, align 4
  store i32 %0, ptr %2, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %3) #5
  store i32 0, ptr %3, align 4, !tbaa !5
  br label %4

4:                                                ; preds = %7, %1
  %5 = load i32, ptr %2, align 4, !tbaa !5
  %6 = icmp ne i32 %5, 0
  br i1 %6, label %7, label %14

7:                                                ; preds = %4
  %8 = load i32, ptr %2, align 4, !tbaa !5
  %9 = and i32 %8, 1
  %10 = load i32, ptr %3, align 4, !tbaa !5
  %11 = add nsw i32 %10, %9
  store i32 %11, ptr %3, align 4, !tbaa !5
  %12 = load i32, ptr %2, align 4, !tbaa !5
  %13 = lshr i32 %12, 1
  store i32 %13, ptr %2, align 4, !tbaa !5
  br label %4, !llvm.loop !20

14:                                               ; preds = %4
  %15 = load i32, ptr %3, align 4, !tbaa !5
  call void @llvm.lifetime.end.p0(i64 4, ptr %3) #5
  ret i32 %15
}

; Function Attrs: nocallback nofree nounwind willreturn memory(argmem: readwrite)
declare void @llvm.memcpy.p0.p0.i64(ptr noalias nocapture writeonly, ptr noalias nocapture readonly, i64, i1 immarg) #2

; Function Attrs: nocallback nofree nounwind willreturn memory(argmem: write)
declare void @llvm.memset.p0.i64(ptr nocapture writeonly, i8, i64, i1 immarg) #3

; Function Attrs: nounwind uwtable
define internal i32 @parity(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  store i32 %0, ptr %2, align 4, !tbaa !5
  %3 = load i32, ptr %2, align 4, !tbaa !5
  %4 = lshr i32 %3, 16
  %5 = load i32, ptr %2, align 4, !tbaa !5
  %6 = xor i32 %5, %4
  store i32 %6, ptr %2, align 4, !tbaa !5
  %7 = load i32, ptr %2, align 4, !tbaa !5
  %8 = lshr i32 %7, 8
  %9 = load i32, ptr %2, align 4, !tbaa !5
  %10 = xor i32 %9, %8
  store i32 %10, ptr %2, align 4, !tbaa !5
  %11 = load i32, ptr %2, align 4, !tbaa !5
  %12 = lshr i32 %11, 4
  %13 = load i32, ptr %2, align 4, !tbaa !5
  %14 = xor i32 %13, %12
  store i32 %14, ptr %2, align 4, !tbaa !5
  %15 = load i32, ptr %2, align 4, !tbaa !5
  %16 = and i32 %15, 15
  %17 = lshr i32 27030, %16
  %18 = and i32 %17, 1
  ret i32 %18
}

; Function Attrs: nounwind uwtable
define internal i32 @leading_zeros(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  %3 = alloca i32, align 4
  %4 = alloca i32, align 4
  %5 = alloca i32, align 4
  store i32 %0, ptr %3, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %4) #5
  store i32 0, ptr %4, align 4, !tbaa !5
  %6 = load i32, ptr %3, align 4, !tbaa !5
  %7 = icmp eq i32 %6, 0
  br i1 %7, label %8, label %9

8:                                                ; preds = %1
  store i32 32, ptr %2, align 4
  store i32 1, ptr %5, align 4
  br label %22

9:                                                ; preds = %1
  br label %10

10:                                               ; preds = %15, %9
  %11 = load i32, ptr %3, align 4, !tbaa !5
  %12 = and i32 %11, -2147483648
  %13 = icmp ne i32 %12, 0
  %14 = xor i1 %13, true
  br i1 %14, label %15, label %20

15:                                               ; preds = %10
  %16 = load i32, ptr %3, align 4, !tbaa !5
  %17 = shl i32 %16, 1
  store i32 %17, ptr %3, align 4, !tbaa !5
  %18 = load i32, ptr %4, align 4, !tbaa !5
  %19 = add nsw i32 %18, 1
  store i32 %19, ptr %4, align 4, !tbaa !5
  br label %10, !llvm.loop !21

20:                                               ; preds = %10
  %21 = load i32, ptr %4, align 4, !tbaa !5
  store i32 %21, ptr %2, align 4
  store i32 1, ptr %5, align 4
  br label %22

22:                                               ; preds = %20, %8
  call void @llvm.lifetime.end.p0(i64 4, ptr %4) #5
  %23 = load i32, ptr %2, align 4
  ret i32 %23
}

declare i32 @printf(ptr noundef, ...) #4

; Function Attrs: nounwind uwtable
define internal i32 @count_kernighan(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  %3 = alloca i32, align 4
  store i32 %0, ptr %2, align 4, !tbaa !5
  call void @llvm.lifetime.start.p0(i64 4, ptr %3) #5
  store i32 0, ptr %3, align 4, !tbaa !5
  br label %4

4:                                                ; preds = %7, %1
  %5 = load i32, ptr %2, align 4, !tbaa !5
  %6 = icmp ne i32 %5, 0
  br i1 %6, label %7, label %14

7:                                                ; preds = %4
  %8 = load i32, ptr %2, align 4, !tbaa !5
  %9 = sub i32 %8, 1
  %10 = load i32, ptr %2, align 4, !tbaa !5
  %11 = and i32 %10, %9
  store i32 %11, ptr %2, align 4, !tbaa !5
  %12 = load i32, ptr %3, align 4, !tbaa !5
  %13 = add nsw i32 %12, 1
  store i32 %13, ptr %3, align 4, !tbaa !5
  br label %4, !llvm.loop !22

14:                                               ; preds = %4
  %15 = load i32, ptr %3, align 4, !tbaa !5
  call void @llvm.lifetime.end.p0(i64 4, ptr %3) #5
  ret i32 %15
}

; Function Attrs: nounwind uwtable
define internal i32 @count_table(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  store i32 %0, ptr %2, align 4, !tbaa !5
  %3 = load i32, ptr %2, align 4, !tbaa !5
  %4 = and i32 %3, 255
  %5 = zext i32 %4 to i64
  %6 = getelementptr inbounds [256 x i8], ptr @byte_table, i64 0, i64 %5
  %7 = load i8, ptr %6, align 1, !tbaa !9
  %8 = zext i8 %7 to i32
  %9 = load i32, ptr %2, align 4, !tbaa !5
  %10 = lshr i32 %9, 8
  %11 = and i32 %10, 255
  %12 = zext i32 %11 to i64
  %13 = getelementptr inbounds [256 x i8], ptr @byte_table, i64 0, i64 %12
  %14 = load i8, ptr %13, align 1, !tbaa !9
  %15 = zext i8 %14 to i32
  %16 = add nsw i32 %8, %15
  %17 = load i32, ptr %2, align 4, !tbaa !5
  %18 = lshr i32 %17, 16
  %19 = and i32 %18, 255
  %20 = zext i32 %19 to i64
  %21 = getelementptr inbounds [256 x i8], ptr @byte_table, i64 0, i64 %20
  %22 = load i8, ptr %21, align 1, !tbaa !9
  %23 = zext i8 %22 to i32
  %24 = add nsw i32 %16, %23
  %25 = load i32, ptr %2, align 4, !tbaa !5
  %26 = lshr i32 %25, 24
  %27 = zext i32 %26 to i64
  %28 = getelementptr inbounds [256 x i8], ptr @byte_table, i64 0, i64 %27
  %29 = load i8, ptr %28, align 1, !tbaa !9
  %30 = zext i8 %29 to i32
  %31 = add nsw i32 %24, %30
  ret i32 %31
}

; Function Attrs: nounwind uwtable
define internal i32 @count_swar(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  store i32 %0, ptr %2, align 4, !tbaa !5
  %3 = load i32, ptr %2, align 4, !tbaa !5
  %4 = load i32, ptr %2, align 4, !tbaa !5
  %5 = lshr i32 %4, 1
  %6 = and i32 %5, 1431655765
  %7 = sub i32 %3, %6
  store i32 %7, ptr %2, align 4, !tbaa !5
  %8 = load i32, ptr %2, align 4, !tbaa !5
  %9 = and i32 %8, 858993459
  %10 = load i32, ptr %2, align 4, !tbaa !5
  %11 = lshr i32 %10, 2
  %12 = and i32 %11, 858993459
  %13 = add i32 %9, %12
  store i32 %13, ptr %2, align 4, !tbaa !5
  %14 = load i32, ptr %2, align 4, !tbaa !5
  %15 = load i32, ptr %2, align 4, !tbaa !5
  %16 = lshr i32 %15, 4
  %17 = add i32 %14, %16
  %18 = and i32 %17, 252645135
  store i32 %18, ptr %2, align 4, !tbaa !5
  %19 = load i32, ptr %2, align 4, !tbaa !5
  %20 = mul i32 %19, 16843009
  %21 = lshr i32 %20, 24
  ret i32 %21
}

; Function Attrs: nounwind uwtable
define internal i32 @count_nibbles(i32 noundef %0) #0 {
  %2 = alloca i32, align 4
  store i32 %0, ptr %2, align 4, !tbaa !5
  %3 = load i32, ptr %2, align 4, !tbaa !5
  %4 = icmp eq i32 %3, 0
  br i1 %4, label %5, label %6

5:                                                ; preds = %1
  br label %16

6:                                                ; preds = %1
  %7 = load i32, ptr %2, align 4, !tbaa !5
  %8 = and i32 %7, 15
  %9 = zext i32 %8 to i64
  %10 = getelementptr inbounds [16 x i32], ptr @count_nibbles.nib, i64 0, i64 %9
  %11 = load i32, ptr %10, align 4, !tbaa !5
  %12 = load i32, ptr %2, align 4, !tbaa !5
  %13 = lshr i32 %12, 4
  %14 = call i32 @count_nibbles(i32 noundef %13)
  %15 = add nsw i32 %11, %14
  br label %16

16:                                               ; preds = %6, %5
  %17 = phi i32 [ 0, %5 ], [ %15, %6 ]
  ret i32 %17
}

attributes #0 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #2 = { nocallback nofree nounwind willreturn memory(argmem: readwrite) }
attributes #3 = { nocallback nofree nounwind willreturn memory(argmem: write) }
attributes #4 = { "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #5 = { nounwind }

!llvm.ident = !{!0}
!llvm.module.flags = !{!1, !2, !3, !4}

!0 = !{!"Debian clang version 19.1.7 (3~deb12u1)"}
!1 = !{i32 1, !"wchar_size", i32 4}
!2 = !{i32 8, !"PIC Level", i32 2}
!3 = !{i32 7, !"PIE Level", i32 2}
!4 = !{i32 7, !"uwtable", i32 2}
!5 = !{!6, !6, i64 0}
!6 = !{!"int", !7, i64 0}
!7 = !{!"omnipotent char", !8, i64 0}
!8 = !{!"Simple C/C++ TBAA"}
!9 = !{!7, !7, i64 0}
!10 = distinct !{!10, !11, !12}
!11 = !{!"llvm.loop.mustprogress"}
!12 = !{!"llvm.loop.unroll.disable"}
!13 = !{!14, !14, i64 0}
!14 = !{!"long", !7, i64 0}
!15 = !{!16, !16, i64 0}
!16 = !{!"any pointer", !7, i64 0}
!17 = distinct !{!17, !11, !12}
!18 = distinct !{!18, !11, !12}
!19 = distinct !{!19, !11, !12}
!20 = distinct !{!20, !11, !12}
!21 = distinct !{!21, !11, !12}
!22 = distinct !{!22, !11, !12}
