/* EdgeGate OpenCV shim: a flat, defensive C ABI over OpenCV 4.6.
 * Every function returns an egcv_status; on failure egcv_last_error() gives the message
 * (thread-local). No C++ exception ever crosses this boundary. */
#ifndef EDGEGATE_CV_H
#define EDGEGATE_CV_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EGCV_API __attribute__((visibility("default")))

/* Bumped on every incompatible change; the managed side checks it once at start. */
#define EGCV_ABI_VERSION 1

typedef int32_t egcv_status;
enum {
    EGCV_OK = 0,
    EGCV_ERROR = 1,           /* OpenCV or C++ exception; see egcv_last_error() */
    EGCV_INVALID_ARGUMENT = 2,
};

EGCV_API int32_t egcv_abi_version(void);
/* OpenCV version string, static storage. */
EGCV_API const char* egcv_opencv_version(void);
/* Message of the last failed call on this thread, static thread-local storage. */
EGCV_API const char* egcv_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
