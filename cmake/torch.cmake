# libtorch (Debian libtorch-dev, or any LibTorch via CMAKE_PREFIX_PATH / Torch_DIR).
# Only the lm and train modules link it. System TBB, GTest and yaml-cpp use the
# cxx11 ABI, so a pre-cxx11-ABI libtorch is rejected here rather than failing
# later with misleading undefined references (pytorch #17492).
find_package(Torch REQUIRED)
if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
  message(FATAL_ERROR "upt: this libtorch uses the pre-cxx11 ABI (${TORCH_CXX_FLAGS}); "
          "use a cxx11-ABI LibTorch build (Debian's libtorch-dev is one).")
endif()
message(STATUS "upt: libtorch ${Torch_VERSION} found")
