# Every third-party dependency comes from Debian 12 packages (scripts/install-deps.sh).
# Each is wrapped in one imported target so that modules state what they use.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# OpenCV: Debian's per-module -dev packages ship no CMake config (only the heavy
# libopencv-dev meta package does), so the few modules we use are found directly. ml is
# linked only by the detector's random forest (src/detector/CMakeLists.txt).
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(mammocad_opencv INTERFACE)
target_include_directories(mammocad_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
foreach(module core imgproc imgcodecs)
  find_library(OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
  target_link_libraries(mammocad_opencv INTERFACE ${OPENCV_${module}_LIBRARY})
endforeach()

pkg_check_modules(MICROHTTPD REQUIRED IMPORTED_TARGET libmicrohttpd)
# GnuTLS: libmicrohttpd's TLS; the client-certificate check reads its session (tls_bridge.cc).
pkg_check_modules(GNUTLS REQUIRED IMPORTED_TARGET gnutls)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
find_package(DCMTK REQUIRED CONFIG)
pkg_check_modules(OPENJPEG REQUIRED IMPORTED_TARGET libopenjp2)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
# zlib: the DICOM bridge inflates deflated datasets itself, under a cap (src/dicom/dataset_scan.cc).
find_package(ZLIB REQUIRED)
# libjpeg (libjpeg-turbo): the decode module decodes JPEG with it directly (one pass that fails
# on corrupt data), since OpenCV only warns on corrupt data and returns grey rows
# (src/decode/jpeg_decode.cc).
find_package(JPEG REQUIRED)
