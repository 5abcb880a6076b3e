// The choice of resize passes (see resize_path.hpp), asked of the CPU with __builtin_cpu_supports (which
// also checks that the OS saves the wider registers).
#include "media/resize/resize_path.hpp"

namespace quarry::media::resize {
namespace {

bool CpuSupports(ResizePath path) {
#if defined(QUARRY_RESIZE_X86) && (defined(__GNUC__) || defined(__clang__))
  switch (path) {
    case ResizePath::kScalar:
    case ResizePath::kSse2:
      return true;  // part of x86-64
    case ResizePath::kAvx2:
      return __builtin_cpu_supports("avx2");
    case ResizePath::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
             __builtin_cpu_supports("avx512vbmi");
  }
  return false;
#else
  return path == ResizePath::kScalar;
#endif
}

ResizePath ChooseFastest() {
  const std::vector<ResizePath> paths = AvailableResizePaths();
  return paths.back();
}

}  // namespace

const char* ResizePathName(ResizePath path) {
  switch (path) {
    case ResizePath::kScalar:
      return "scalar";
    case ResizePath::kSse2:
      return "sse2";
    case ResizePath::kAvx2:
      return "avx2";
    case ResizePath::kAvx512:
      return "avx512";
  }
  return "unknown";
}

bool ResizePathAvailable(ResizePath path) {
  return CpuSupports(path);
}

std::vector<ResizePath> AvailableResizePaths() {
  std::vector<ResizePath> paths;
  for (ResizePath path : {ResizePath::kScalar, ResizePath::kSse2, ResizePath::kAvx2, ResizePath::kAvx512}) {
    if (ResizePathAvailable(path)) paths.push_back(path);
  }
  return paths;
}

ResizePath FastestResizePath() {
  static const ResizePath fastest = ChooseFastest();
  return fastest;
}

ResizePasses PassesOf(ResizePath path) {
  switch (path) {
#if defined(QUARRY_RESIZE_X86)
    case ResizePath::kSse2:
      return {HorizontalSse2, VerticalSse2};
    case ResizePath::kAvx2:
      return {HorizontalAvx2, VerticalAvx2};
    case ResizePath::kAvx512:
      return {HorizontalAvx512, VerticalAvx512};
#endif
    default:
      return {HorizontalScalar, VerticalScalar};
  }
}

}  // namespace quarry::media::resize
