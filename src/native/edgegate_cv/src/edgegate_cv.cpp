#include "edgegate_cv.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

struct egcv_image {
    cv::Mat pixels;
};

struct egcv_capture {
    cv::VideoCapture capture;
    cv::Mat frame;
    cv::Mat converted;
    bool has_timestamp = false;
    double last_timestamp_ms = 0;  /* last timestamp reported */
    double timestamp_offset_ms = 0;  /* added to the stream position after a discontinuity */
};

namespace {

thread_local std::string last_error;

/* Reports a failure that is not an exception: returns the status after keeping the message. */
egcv_status fail(egcv_status status, const std::string& message) {
    last_error = message;
    return status;
}

/* OpenCvSharp's cvTry: every export runs its body through this, so nothing escapes as a C++
 * exception and every failure leaves a message on this thread. */
template <typename Body>
egcv_status guarded(const char* function, Body&& body) noexcept {
    try {
        last_error.clear();
        const egcv_status status = body();
        if (status != EGCV_OK) {
            last_error = std::string(function) + ": " + last_error;
        }
        return status;
    } catch (const cv::Exception& exception) {
        try {
            last_error = std::string(function) + ": OpenCV error " + std::to_string(exception.code) + ": " +
                         (exception.err.empty() ? exception.msg : exception.err) +
                         (exception.func.empty() ? std::string() : " (in " + exception.func + ")");
        } catch (...) {
        }
        return EGCV_ERROR;
    } catch (const std::bad_alloc&) {
        try {
            last_error = std::string(function) + ": out of memory";
        } catch (...) {
        }
        return EGCV_ERROR;
    } catch (const std::exception& exception) {
        try {
            last_error = std::string(function) + ": " + exception.what();
        } catch (...) {
        }
        return EGCV_ERROR;
    } catch (...) {
        try {
            last_error = std::string(function) + ": unknown C++ exception";
        } catch (...) {
        }
        return EGCV_ERROR;
    }
}

/* A bad argument: turned into EGCV_INVALID_ARGUMENT with its message by checked(). */
struct invalid_argument : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int64_t required_length(int32_t width, int32_t height, int32_t stride, int32_t channels) {
    return static_cast<int64_t>(height - 1) * stride + static_cast<int64_t>(width) * channels;
}

/* Checks a caller buffer against its layout before any pixel is touched. */
void check_layout(const char* name, const void* data, int64_t length, int32_t width, int32_t height,
                  int32_t stride, int32_t channels) {
    const std::string prefix = std::string(name) + ": ";
    if (data == nullptr) {
        throw invalid_argument(prefix + "null buffer");
    }
    if (width <= 0 || height <= 0) {
        throw invalid_argument(prefix + "size " + std::to_string(width) + "x" + std::to_string(height) +
                               " is not positive");
    }
    if (channels != 1 && channels != 3) {
        throw invalid_argument(prefix + std::to_string(channels) + " channels (1 or 3 supported)");
    }
    if (stride < static_cast<int64_t>(width) * channels) {
        throw invalid_argument(prefix + "stride " + std::to_string(stride) + " is less than width * channels = " +
                               std::to_string(static_cast<int64_t>(width) * channels));
    }
    const int64_t required = required_length(width, height, stride, channels);
    if (length < required) {
        throw invalid_argument(prefix + "buffer of " + std::to_string(length) + " bytes is shorter than the " +
                               std::to_string(required) + " its layout needs");
    }
}

cv::Mat wrap(const uint8_t* data, int32_t width, int32_t height, int32_t stride, int32_t channels) {
    return cv::Mat(height, width, CV_8UC(channels), const_cast<uint8_t*>(data), static_cast<size_t>(stride));
}

/* Runs a body whose argument checks throw invalid_argument. */
template <typename Body>
egcv_status checked(const char* function, Body&& body) noexcept {
    return guarded(function, [&]() -> egcv_status {
        try {
            return body();
        } catch (const invalid_argument& error) {
            return fail(EGCV_INVALID_ARGUMENT, error.what());
        }
    });
}

/* Copies a BGR 8UC3 mat into a caller buffer with its own stride. */
void copy_bgr(const cv::Mat& pixels, uint8_t* destination, int64_t destination_length, int32_t destination_stride) {
    check_layout("destination", destination, destination_length, pixels.cols, pixels.rows, destination_stride, 3);
    cv::Mat target = wrap(destination, pixels.cols, pixels.rows, destination_stride, 3);
    pixels.copyTo(target);
    if (target.data != destination) {
        throw std::logic_error("copy reallocated the destination");
    }
}

/* "rtsp://user:secret@host/path" -> "rtsp://user:***@host/path": messages may be logged. */
std::string mask_password(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) {
        return url;
    }
    const auto authority_start = scheme + 3;
    const auto authority_end = url.find_first_of("/?#", authority_start);
    const auto at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
    if (at == std::string::npos || at < authority_start) {
        return url;
    }
    const auto colon = url.find(':', authority_start);
    if (colon == std::string::npos || colon > at) {
        return url;
    }
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

const char* const default_ffmpeg_options = "rtsp_transport;tcp|probesize;32768|analyzeduration;200000";
std::mutex open_mutex;

/* The stream position of the frame just read, made strictly increasing. OpenCV reports garbage
 * (AV_NOPTS_VALUE scaled to milliseconds) for RTSP frames that arrive before the first RTCP sync,
 * and the position may restart or jump back: frames without a usable position get the previous
 * timestamp plus one frame interval, and after a step back the positions are shifted so that they
 * continue from there, keeping the real spacing between frames. */
double monotonic_timestamp(egcv_capture* capture) {
    const double position = capture->capture.get(cv::CAP_PROP_POS_MSEC);
    const double fps = capture->capture.get(cv::CAP_PROP_FPS);
    const double interval = fps > 0 && fps < 1000 ? 1000.0 / fps : 1.0;
    const bool usable = std::isfinite(position) && position > -1e9 && position < 1e12;
    double timestamp;
    if (!capture->has_timestamp) {
        timestamp = usable ? position : 0;
        capture->timestamp_offset_ms = 0;
    } else if (!usable) {
        timestamp = capture->last_timestamp_ms + interval;
    } else {
        timestamp = position + capture->timestamp_offset_ms;
        if (timestamp <= capture->last_timestamp_ms) {
            capture->timestamp_offset_ms = capture->last_timestamp_ms + interval - position;
            timestamp = capture->last_timestamp_ms + interval;
        }
    }
    capture->has_timestamp = true;
    capture->last_timestamp_ms = timestamp;
    return timestamp;
}

/* Converts whatever the backend produced into BGR 8UC3. */
const cv::Mat& as_bgr(egcv_capture* capture) {
    const cv::Mat& frame = capture->frame;
    if (frame.type() == CV_8UC3) {
        return frame;
    }
    if (frame.type() == CV_8UC1) {
        cv::cvtColor(frame, capture->converted, cv::COLOR_GRAY2BGR);
    } else if (frame.type() == CV_8UC4) {
        cv::cvtColor(frame, capture->converted, cv::COLOR_BGRA2BGR);
    } else {
        throw std::runtime_error("the stream produced frames of unsupported OpenCV type " + std::to_string(frame.type()));
    }
    return capture->converted;
}

}  // namespace

extern "C" {

int32_t egcv_abi_version(void) { return EGCV_ABI_VERSION; }

const char* egcv_opencv_version(void) { return CV_VERSION; }

const char* egcv_last_error(void) { return last_error.c_str(); }

void egcv_free(void* pointer) { std::free(pointer); }

egcv_status egcv_image_decode(const uint8_t* data, int64_t length, egcv_image** image, int32_t* width,
                              int32_t* height, int32_t* stride) {
    return egcv_image_decode_reduced(data, length, 1, image, width, height, stride);
}

egcv_status egcv_image_decode_reduced(const uint8_t* data, int64_t length, int32_t reduction, egcv_image** image,
                                      int32_t* width, int32_t* height, int32_t* stride) {
    return checked(__func__, [&]() -> egcv_status {
        if (image == nullptr || width == nullptr || height == nullptr || stride == nullptr) {
            throw invalid_argument("null output pointer");
        }
        int flags;
        switch (reduction) {
            case 1: flags = cv::IMREAD_COLOR; break;
            case 2: flags = cv::IMREAD_REDUCED_COLOR_2; break;
            case 4: flags = cv::IMREAD_REDUCED_COLOR_4; break;
            case 8: flags = cv::IMREAD_REDUCED_COLOR_8; break;
            default: throw invalid_argument("reduction must be 1, 2, 4 or 8");
        }
        *image = nullptr;
        if (data == nullptr || length <= 0) {
            throw invalid_argument("no image data");
        }
        if (length > INT32_MAX) {
            throw invalid_argument("image data larger than 2 GiB");
        }
        const cv::Mat encoded(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
        cv::Mat decoded = cv::imdecode(encoded, flags);
        if (decoded.empty()) {
            return fail(EGCV_ERROR, std::string("could not decode ") + std::to_string(length) +
                                        " bytes as an image (not JPEG/PNG, or damaged)");
        }
        if (decoded.type() != CV_8UC3 || !decoded.isContinuous()) {
            decoded = decoded.clone();
            if (decoded.type() != CV_8UC3) {
                return fail(EGCV_ERROR, std::string("decoder returned OpenCV type ") +
                                            std::to_string(decoded.type()) + " instead of 8UC3");
            }
        }
        auto* result = new egcv_image{std::move(decoded)};
        *width = result->pixels.cols;
        *height = result->pixels.rows;
        *stride = static_cast<int32_t>(result->pixels.step[0]);
        *image = result;
        return EGCV_OK;
    });
}

egcv_status egcv_image_copy_to(const egcv_image* image, uint8_t* destination, int64_t destination_length,
                               int32_t destination_stride) {
    return checked(__func__, [&]() -> egcv_status {
        if (image == nullptr) {
            throw invalid_argument("null image");
        }
        copy_bgr(image->pixels, destination, destination_length, destination_stride);
        return EGCV_OK;
    });
}

void egcv_image_release(egcv_image* image) { delete image; }

egcv_status egcv_image_encode(const uint8_t* source, int64_t source_length, int32_t width, int32_t height,
                              int32_t stride, int32_t channels, int32_t format, int32_t quality,
                              uint8_t** encoded, int64_t* encoded_length) {
    return checked(__func__, [&]() -> egcv_status {
        if (encoded == nullptr || encoded_length == nullptr) {
            throw invalid_argument("null output pointer");
        }
        *encoded = nullptr;
        *encoded_length = 0;
        check_layout("source", source, source_length, width, height, stride, channels);
        std::vector<int> parameters;
        const char* extension;
        if (format == EGCV_FORMAT_JPEG) {
            if (quality < 1 || quality > 100) {
                throw invalid_argument("JPEG quality " + std::to_string(quality) + " is outside 1..100");
            }
            extension = ".jpg";
            parameters = {cv::IMWRITE_JPEG_QUALITY, quality};
        } else if (format == EGCV_FORMAT_PNG) {
            extension = ".png";
            parameters = {cv::IMWRITE_PNG_COMPRESSION, 3};
        } else {
            throw invalid_argument("unknown format " + std::to_string(format));
        }
        std::vector<uint8_t> bytes;
        if (!cv::imencode(extension, wrap(source, width, height, stride, channels), bytes, parameters)) {
            return fail(EGCV_ERROR, std::string("the ") + extension + " encoder failed");
        }
        auto* copy = static_cast<uint8_t*>(std::malloc(bytes.size()));
        if (copy == nullptr) {
            throw std::bad_alloc();
        }
        std::memcpy(copy, bytes.data(), bytes.size());
        *encoded = copy;
        *encoded_length = static_cast<int64_t>(bytes.size());
        return EGCV_OK;
    });
}

egcv_status egcv_resize(const uint8_t* source, int64_t source_length, int32_t source_width, int32_t source_height,
                        int32_t source_stride, int32_t channels, uint8_t* destination, int64_t destination_length,
                        int32_t destination_width, int32_t destination_height, int32_t destination_stride,
                        int32_t interpolation) {
    return checked(__func__, [&]() -> egcv_status {
        check_layout("source", source, source_length, source_width, source_height, source_stride, channels);
        check_layout("destination", destination, destination_length, destination_width, destination_height,
                     destination_stride, channels);
        if (interpolation != EGCV_INTER_NEAREST && interpolation != EGCV_INTER_LINEAR &&
            interpolation != EGCV_INTER_AREA) {
            throw invalid_argument("unknown interpolation " + std::to_string(interpolation));
        }
        cv::Mat target = wrap(destination, destination_width, destination_height, destination_stride, channels);
        cv::resize(wrap(source, source_width, source_height, source_stride, channels), target,
                   target.size(), 0, 0, interpolation);
        if (target.data != destination) {
            throw std::logic_error("resize reallocated the destination");
        }
        return EGCV_OK;
    });
}

egcv_status egcv_cvt_color(const uint8_t* source, int64_t source_length, int32_t width, int32_t height,
                           int32_t source_stride, int32_t source_channels, uint8_t* destination,
                           int64_t destination_length, int32_t destination_stride, int32_t destination_channels,
                           int32_t code) {
    return checked(__func__, [&]() -> egcv_status {
        int expected_source;
        int expected_destination;
        switch (code) {
            case EGCV_COLOR_BGR2RGB: expected_source = 3; expected_destination = 3; break;
            case EGCV_COLOR_BGR2GRAY:
            case EGCV_COLOR_RGB2GRAY: expected_source = 3; expected_destination = 1; break;
            case EGCV_COLOR_GRAY2BGR: expected_source = 1; expected_destination = 3; break;
            default: throw invalid_argument("unsupported colour conversion " + std::to_string(code));
        }
        if (source_channels != expected_source || destination_channels != expected_destination) {
            throw invalid_argument("conversion " + std::to_string(code) + " goes from " +
                                   std::to_string(expected_source) + " to " + std::to_string(expected_destination) +
                                   " channels, not " + std::to_string(source_channels) + " to " +
                                   std::to_string(destination_channels));
        }
        check_layout("source", source, source_length, width, height, source_stride, source_channels);
        check_layout("destination", destination, destination_length, width, height, destination_stride,
                     destination_channels);
        cv::Mat target = wrap(destination, width, height, destination_stride, destination_channels);
        const cv::Mat input = wrap(source, width, height, source_stride, source_channels);
        if (source == destination && code == EGCV_COLOR_BGR2RGB) {
            cv::Mat copy = input.clone();
            cv::cvtColor(copy, target, code);
        } else {
            cv::cvtColor(input, target, code);
        }
        if (target.data != destination) {
            throw std::logic_error("cvtColor reallocated the destination");
        }
        return EGCV_OK;
    });
}

egcv_status egcv_warp_affine(const uint8_t* source, int64_t source_length, int32_t source_width,
                             int32_t source_height, int32_t source_stride, int32_t channels, uint8_t* destination,
                             int64_t destination_length, int32_t destination_width, int32_t destination_height,
                             int32_t destination_stride, const double* matrix) {
    return checked(__func__, [&]() -> egcv_status {
        if (matrix == nullptr) {
            throw invalid_argument("null matrix");
        }
        check_layout("source", source, source_length, source_width, source_height, source_stride, channels);
        check_layout("destination", destination, destination_length, destination_width, destination_height,
                     destination_stride, channels);
        const cv::Mat transform(2, 3, CV_64F, const_cast<double*>(matrix));
        cv::Mat target = wrap(destination, destination_width, destination_height, destination_stride, channels);
        cv::warpAffine(wrap(source, source_width, source_height, source_stride, channels), target, transform,
                       target.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
        if (target.data != destination) {
            throw std::logic_error("warpAffine reallocated the destination");
        }
        return EGCV_OK;
    });
}

egcv_status egcv_capture_open(const char* url, int32_t open_timeout_ms, int32_t read_timeout_ms,
                              const char* ffmpeg_options, egcv_capture** capture) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr) {
            throw invalid_argument("null output pointer");
        }
        *capture = nullptr;
        if (url == nullptr || url[0] == '\0') {
            throw invalid_argument("empty URL");
        }
        if (open_timeout_ms <= 0 || read_timeout_ms <= 0) {
            throw invalid_argument("timeouts must be positive (open " + std::to_string(open_timeout_ms) +
                                   " ms, read " + std::to_string(read_timeout_ms) + " ms)");
        }
        const std::vector<int> parameters = {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, open_timeout_ms,
                                             cv::CAP_PROP_READ_TIMEOUT_MSEC, read_timeout_ms};
        auto result = std::make_unique<egcv_capture>();
        {
            /* OpenCV's FFMPEG backend reads the variable at every open; setting it from .NET does
             * not reach the native environment, so it is set here, and held for the whole open. */
            std::lock_guard<std::mutex> lock(open_mutex);
            if (setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS",
                       ffmpeg_options != nullptr ? ffmpeg_options : default_ffmpeg_options, 1) != 0) {
                return fail(EGCV_ERROR, std::string("setenv failed"));
            }
            result->capture.open(url, cv::CAP_FFMPEG, parameters);
        }
        if (!result->capture.isOpened()) {
            return fail(EGCV_ERROR, std::string("could not open '") + mask_password(url) +
                                        "' with the FFMPEG backend (open timeout " +
                                        std::to_string(open_timeout_ms) +
                                        " ms): unreachable, refused, not found, or not a video");
        }
        *capture = result.release();
        return EGCV_OK;
    });
}

egcv_status egcv_capture_frame_size(egcv_capture* capture, int32_t* width, int32_t* height) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || width == nullptr || height == nullptr) {
            throw invalid_argument("null pointer");
        }
        *width = static_cast<int32_t>(capture->capture.get(cv::CAP_PROP_FRAME_WIDTH));
        *height = static_cast<int32_t>(capture->capture.get(cv::CAP_PROP_FRAME_HEIGHT));
        return EGCV_OK;
    });
}

egcv_status egcv_capture_read(egcv_capture* capture, uint8_t* destination, int64_t destination_length,
                              int32_t destination_stride, int32_t* has_frame, int32_t* width, int32_t* height,
                              double* timestamp_ms) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || has_frame == nullptr || width == nullptr || height == nullptr ||
            timestamp_ms == nullptr) {
            throw invalid_argument("null pointer");
        }
        *has_frame = 0;
        *width = 0;
        *height = 0;
        *timestamp_ms = 0;
        capture->frame.release();
        if (!capture->capture.read(capture->frame) || capture->frame.empty()) {
            return EGCV_OK;
        }
        const cv::Mat& pixels = as_bgr(capture);
        *has_frame = 1;
        *width = pixels.cols;
        *height = pixels.rows;
        *timestamp_ms = monotonic_timestamp(capture);
        if (destination_stride == 0) {
            destination_stride = pixels.cols * 3;
        }
        if (destination == nullptr || destination_stride < pixels.cols * 3 ||
            destination_length < required_length(pixels.cols, pixels.rows, destination_stride, 3)) {
            return fail(EGCV_BUFFER_TOO_SMALL, std::string("the frame is ") +
                                                   std::to_string(pixels.cols) + "x" + std::to_string(pixels.rows) +
                                                   ", larger than the destination");
        }
        copy_bgr(pixels, destination, destination_length, destination_stride);
        return EGCV_OK;
    });
}

egcv_status egcv_capture_copy_frame(egcv_capture* capture, uint8_t* destination, int64_t destination_length,
                                    int32_t destination_stride) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr) {
            throw invalid_argument("null capture");
        }
        if (capture->frame.empty()) {
            throw invalid_argument("no frame has been read");
        }
        const cv::Mat& pixels = as_bgr(capture);
        copy_bgr(pixels, destination, destination_length,
                 destination_stride == 0 ? pixels.cols * 3 : destination_stride);
        return EGCV_OK;
    });
}

egcv_status egcv_capture_grab(egcv_capture* capture, int32_t* grabbed) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || grabbed == nullptr) {
            throw invalid_argument("null pointer");
        }
        capture->frame.release();
        *grabbed = capture->capture.grab() ? 1 : 0;
        return EGCV_OK;
    });
}

egcv_status egcv_capture_get(egcv_capture* capture, int32_t property, double* value) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || value == nullptr) {
            throw invalid_argument("null pointer");
        }
        switch (property) {
            case EGCV_CAP_POS_MSEC:
            case EGCV_CAP_FRAME_WIDTH:
            case EGCV_CAP_FRAME_HEIGHT:
            case EGCV_CAP_FPS:
            case EGCV_CAP_FRAME_COUNT: break;
            default: throw invalid_argument("unsupported property " + std::to_string(property));
        }
        *value = capture->capture.get(property);
        return EGCV_OK;
    });
}

void egcv_capture_release(egcv_capture* capture) {
    try {
        delete capture;
    } catch (...) {
        /* A destructor that throws must not cross the boundary; the handle is gone either way. */
    }
}

}  // extern "C"
