# Cross-compiles the shim for 64-bit Arm Linux boxes (Debian's aarch64-linux-gnu) on an x86_64
# Debian with g++-aarch64-linux-gnu, against a sysroot that holds Debian's arm64 OpenCV packages
# (tools/arm64-sysroot.sh makes it; ./build.sh publish does all of this):
#
#   cmake -S src/native/edgegate_cv -B <build folder> \
#         -DCMAKE_TOOLCHAIN_FILE=src/native/edgegate_cv/cmake/aarch64-linux-gnu.cmake -DCMAKE_SYSROOT=<sysroot>
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

if(NOT CMAKE_SYSROOT)
  message(FATAL_ERROR "set CMAKE_SYSROOT to the arm64 sysroot made by tools/arm64-sysroot.sh")
endif()
if(NOT EXISTS "${CMAKE_SYSROOT}/usr/include/opencv4/opencv2/core.hpp")
  message(FATAL_ERROR "${CMAKE_SYSROOT} holds no arm64 OpenCV headers: make it with tools/arm64-sysroot.sh")
endif()

# Headers and libraries only from the sysroot, build tools only from this machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config (the FFmpeg libraries) reads the sysroot's .pc files and prefixes their paths with it.
set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_LIBDIR} "${CMAKE_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${CMAKE_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CMAKE_SYSROOT}")
