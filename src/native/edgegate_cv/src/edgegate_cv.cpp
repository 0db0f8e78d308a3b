#include "edgegate_cv.h"

#include <opencv2/core.hpp>

#include <exception>
#include <string>

namespace {
thread_local std::string last_error;
}

extern "C" {

int32_t egcv_abi_version(void) { return EGCV_ABI_VERSION; }

const char* egcv_opencv_version(void) { return CV_VERSION; }

const char* egcv_last_error(void) { return last_error.c_str(); }

}
