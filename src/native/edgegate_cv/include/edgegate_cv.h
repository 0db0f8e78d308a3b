/* EdgeGate OpenCV shim: a flat, defensive C ABI over OpenCV 4.6.
 * Every function returns an egcv_status; on failure egcv_last_error() gives the message
 * (thread-local). No C++ exception ever crosses this boundary.
 *
 * Images cross the boundary as caller-owned buffers described by width, height, stride (bytes per
 * row, >= width * channels) and channels (1 = grey, 3 = BGR or RGB), plus the buffer length in
 * bytes, which is checked against the layout before any pixel is touched. 8 bits per channel only.
 *
 * Ownership: egcv_image and egcv_capture handles are created by the shim and released by the
 * matching *_release call (NULL is accepted). Encoded bytes are malloc'ed by the shim and freed
 * with egcv_free. Nothing else is retained after a call returns. */
#ifndef EDGEGATE_CV_H
#define EDGEGATE_CV_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EGCV_API __attribute__((visibility("default")))

/* Bumped on every incompatible change; the managed side checks it once at start. */
#define EGCV_ABI_VERSION 5

typedef int32_t egcv_status;
enum {
    EGCV_OK = 0,
    EGCV_ERROR = 1,             /* OpenCV or C++ exception, or an operation failed; see egcv_last_error() */
    EGCV_INVALID_ARGUMENT = 2,  /* a null pointer, a bad size, a buffer too short for its layout */
    EGCV_BUFFER_TOO_SMALL = 3,  /* the destination cannot hold the result; the sizes are reported */
};

/* Interpolation, values as in OpenCV. */
enum {
    EGCV_INTER_NEAREST = 0,
    EGCV_INTER_LINEAR = 1,
    EGCV_INTER_AREA = 3,
};

/* Colour conversions, values as in OpenCV's cv::ColorConversionCodes. */
enum {
    EGCV_COLOR_BGR2RGB = 4,     /* also RGB2BGR: the same swap */
    EGCV_COLOR_BGR2GRAY = 6,
    EGCV_COLOR_RGB2GRAY = 7,
    EGCV_COLOR_GRAY2BGR = 8,
};

/* Encoded image formats. */
enum {
    EGCV_FORMAT_JPEG = 1,
    EGCV_FORMAT_PNG = 2,
};

/* Capture properties, values as in OpenCV's cv::VideoCaptureProperties. */
enum {
    EGCV_CAP_POS_MSEC = 0,
    EGCV_CAP_FRAME_WIDTH = 3,
    EGCV_CAP_FRAME_HEIGHT = 4,
    EGCV_CAP_FPS = 5,
    EGCV_CAP_FRAME_COUNT = 7,
};

typedef struct egcv_image egcv_image;
typedef struct egcv_capture egcv_capture;

EGCV_API int32_t egcv_abi_version(void);
/* OpenCV version string, static storage. */
EGCV_API const char* egcv_opencv_version(void);
/* Message of the last failed call on this thread, static thread-local storage ("" after success). */
EGCV_API const char* egcv_last_error(void);
/* Frees memory the shim allocated for the caller (encoded bytes). NULL is accepted. */
EGCV_API void egcv_free(void* pointer);

/* ---- Images ---------------------------------------------------------------------------------- */

/* Decodes JPEG/PNG (anything imdecode reads) into a BGR 8UC3 image owned by the shim.
 * Width, height and stride (always width * 3) are reported; copy the pixels out with
 * egcv_image_copy_to and release the handle. Undecodable data is EGCV_ERROR with a message. */
EGCV_API egcv_status egcv_image_decode(const uint8_t* data, int64_t length, egcv_image** image,
                                       int32_t* width, int32_t* height, int32_t* stride);
/* As egcv_image_decode, at 1/reduction of the size (1, 2, 4 or 8). JPEG decodes at that scale
 * directly (DCT scaling), several times faster than decoding in full and resizing. */
EGCV_API egcv_status egcv_image_decode_reduced(const uint8_t* data, int64_t length, int32_t reduction,
                                               egcv_image** image, int32_t* width, int32_t* height,
                                               int32_t* stride);
/* Copies the decoded BGR pixels into a caller buffer with its own stride (>= width * 3). */
EGCV_API egcv_status egcv_image_copy_to(const egcv_image* image, uint8_t* destination,
                                        int64_t destination_length, int32_t destination_stride);
EGCV_API void egcv_image_release(egcv_image* image);

/* Encodes a BGR (3 channels) or grey (1 channel) buffer. quality (1..100) is used by JPEG only.
 * On success *encoded is malloc'ed by the shim (free it with egcv_free), *encoded_length its size. */
EGCV_API egcv_status egcv_image_encode(const uint8_t* source, int64_t source_length, int32_t width,
                                       int32_t height, int32_t stride, int32_t channels,
                                       int32_t format, int32_t quality, uint8_t** encoded,
                                       int64_t* encoded_length);

/* Resizes source into destination (same channel count, sizes from the layouts). */
EGCV_API egcv_status egcv_resize(const uint8_t* source, int64_t source_length, int32_t source_width,
                                 int32_t source_height, int32_t source_stride, int32_t channels,
                                 uint8_t* destination, int64_t destination_length,
                                 int32_t destination_width, int32_t destination_height,
                                 int32_t destination_stride, int32_t interpolation);

/* Converts colour; the channel counts must be the ones the conversion code implies. */
EGCV_API egcv_status egcv_cvt_color(const uint8_t* source, int64_t source_length, int32_t width,
                                    int32_t height, int32_t source_stride, int32_t source_channels,
                                    uint8_t* destination, int64_t destination_length,
                                    int32_t destination_stride, int32_t destination_channels,
                                    int32_t code);

/* warpAffine with a 2x3 row-major matrix mapping source to destination coordinates
 * (dst(x, y) = src(M^-1 (x, y))), bilinear, BORDER_CONSTANT with 0. */
EGCV_API egcv_status egcv_warp_affine(const uint8_t* source, int64_t source_length,
                                      int32_t source_width, int32_t source_height,
                                      int32_t source_stride, int32_t channels,
                                      uint8_t* destination, int64_t destination_length,
                                      int32_t destination_width, int32_t destination_height,
                                      int32_t destination_stride, const double* matrix);

/* ---- Video capture (FFmpeg: libavformat, libavcodec, libswscale) ---------------------------- */

/* Opens a URL (rtsp://, http://) or a file path. Every blocking step (connecting, probing, each
 * read) gives up after its timeout through FFmpeg's interrupt callback; nothing is locked
 * process-wide, so a camera that hangs does not hold up another camera's open.
 * ffmpeg_options: "key;value|key;value", or NULL for the default
 * "rtsp_transport;tcp|probesize;32768|analyzeduration;200000". "threads" (decoder threads, default
 * 1) and "avdiscard" (none, default, nonref, bidir, nonintra, nonkey, all) go to the decoder, the
 * rest to libavformat. The decoder runs without frame threading: each extra frame thread held every
 * frame back by one frame interval. A failed open is EGCV_ERROR with a message (passwords in the URL
 * are masked); malformed options are EGCV_INVALID_ARGUMENT. */
EGCV_API egcv_status egcv_capture_open(const char* url, int32_t open_timeout_ms,
                                       int32_t read_timeout_ms, const char* ffmpeg_options,
                                       egcv_capture** capture);
/* Size of the frames the stream reports after open (0 when unknown). */
EGCV_API egcv_status egcv_capture_frame_size(egcv_capture* capture, int32_t* width, int32_t* height);
/* Grabs, decodes and copies the next frame as BGR into destination (stride >= width * 3, or 0 for
 * rows packed at width * 3 whatever the frame's width).
 * *has_frame = 0 when no frame came (end of a file, or the read timed out / the stream ended).
 * When the destination is too small: EGCV_BUFFER_TOO_SMALL, *width and *height report the frame,
 * the frame is kept and egcv_capture_copy_frame copies it once the caller has a bigger buffer.
 * *timestamp_ms is the stream position of the frame, made strictly increasing:
 * frames without a usable position (early RTSP frames) get the previous one plus a frame interval,
 * and a step back shifts later positions to continue from the last one. It is not wall-clock time. */
EGCV_API egcv_status egcv_capture_read(egcv_capture* capture, uint8_t* destination,
                                       int64_t destination_length, int32_t destination_stride,
                                       int32_t* has_frame, int32_t* width, int32_t* height,
                                       double* timestamp_ms);
/* Copies the last frame read again (after EGCV_BUFFER_TOO_SMALL); stride 0 = packed. */
EGCV_API egcv_status egcv_capture_copy_frame(egcv_capture* capture, uint8_t* destination,
                                             int64_t destination_length, int32_t destination_stride);
/* Decodes the next frame without converting it (to skip frames). *grabbed = 0 as for has_frame. */
EGCV_API egcv_status egcv_capture_grab(egcv_capture* capture, int32_t* grabbed);
/* Reads a property (EGCV_CAP_*). */
EGCV_API egcv_status egcv_capture_get(egcv_capture* capture, int32_t property, double* value);
EGCV_API void egcv_capture_release(egcv_capture* capture);

/* ---- Video coding (FFmpeg: libavcodec with libx264, libswscale) ----------------------------- */

/* Colour matrices of egcv_h264_round_trip's 4:2:0 frames (limited range). */
enum {
    EGCV_MATRIX_BT601 = 601,
    EGCV_MATRIX_BT709 = 709,
};

/* Codes count BGR frames of width x height through H.264 as a camera's stream does and converts the
 * last one back as the video capture does. Frame k starts at frames + k * height * stride. The
 * frames are converted to 4:2:0 with the given colour matrix (EGCV_MATRIX_*, limited range),
 * encoded as one stream by libx264 (preset ultrafast, tune zerolatency, constrained baseline,
 * constant bit rate bit_rate bits per second with a 600 ms VBV buffer, a key frame every
 * key_interval frames, one thread: the same output for the same input), decoded by FFmpeg's H.264
 * decoder, and the last decoded frame is converted to BGR into destination (bicubic, FFmpeg's
 * default BT.601 matrix, as egcv_capture_read). Odd sizes are coded with the last column or row
 * repeated and cropped back. *stream_bytes is the size of the encoded stream. */
EGCV_API egcv_status egcv_h264_round_trip(const uint8_t* frames, int64_t frames_length, int32_t count,
                                          int32_t width, int32_t height, int32_t stride, int32_t frame_rate,
                                          int32_t bit_rate, int32_t key_interval, int32_t colour_matrix,
                                          uint8_t* destination, int64_t destination_length,
                                          int32_t destination_stride, int64_t* stream_bytes);

#ifdef __cplusplus
}
#endif
#endif
