#include "edgegate_cv.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <time.h>
#include <vector>

struct egcv_image {
    cv::Mat pixels;
};

/* A video stream read with FFmpeg directly (libavformat, libavcodec, libswscale): the decoder runs
 * without frame threading, which held every frame back by one frame interval per extra thread. */
struct egcv_capture {
    AVFormatContext* format = nullptr;
    AVCodecContext* decoder = nullptr;
    AVPacket* packet = nullptr;
    AVFrame* frame = nullptr;
    SwsContext* scaler = nullptr;
    int stream = -1;
    int32_t read_timeout_ms = 0;
    std::atomic<int64_t> deadline_ns{0};  /* blocking FFmpeg calls give up after this (0 = never) */
    bool has_frame = false;   /* frame holds a decoded picture not converted yet */
    bool draining = false;    /* the end of the input was reached: the decoder is being flushed */
    bool has_timestamp = false;
    double last_timestamp_ms = 0;  /* last timestamp reported */
    double timestamp_offset_ms = 0;  /* added to the stream position after a discontinuity */
    double position_ms = 0;  /* stream position of the last frame (NaN when it had none) */

    ~egcv_capture() {
        sws_freeContext(scaler);
        av_frame_free(&frame);
        av_packet_free(&packet);
        avcodec_free_context(&decoder);
        avformat_close_input(&format);
    }
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

int64_t monotonic_ns() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

/* FFmpeg's interrupt callback: a blocking open, probe or read gives up once the deadline has passed. */
int capture_interrupted(void* opaque) {
    const auto* capture = static_cast<const egcv_capture*>(opaque);
    const int64_t deadline = capture->deadline_ns.load(std::memory_order_relaxed);
    return deadline != 0 && monotonic_ns() > deadline ? 1 : 0;
}

void set_deadline(egcv_capture* capture, int32_t timeout_ms) {
    capture->deadline_ns.store(timeout_ms > 0 ? monotonic_ns() + static_cast<int64_t>(timeout_ms) * 1000000 : 0,
                               std::memory_order_relaxed);
}

std::string av_error_text(int error) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(error, text, sizeof text);
    return text;
}

/* Options as "key;value|key;value" (OpenCV's OPENCV_FFMPEG_CAPTURE_OPTIONS syntax). The decoder's
 * own keys are taken out: "threads" (decoder threads, default 1: no frame threading, so no frame is
 * held back) and "avdiscard" (frames the decoder skips: nonkey decodes key frames only). The rest
 * goes to libavformat (demuxer and protocol options). */
struct capture_options {
    AVDictionary* format = nullptr;
    int threads = 1;
    AVDiscard skip_frame = AVDISCARD_DEFAULT;

    capture_options(const capture_options&) = delete;
    capture_options& operator=(const capture_options&) = delete;
    capture_options() = default;
    ~capture_options() { av_dict_free(&format); }
};

AVDiscard discard_from(const std::string& value) {
    if (value == "none") return AVDISCARD_NONE;
    if (value == "default") return AVDISCARD_DEFAULT;
    if (value == "nonref") return AVDISCARD_NONREF;
    if (value == "bidir") return AVDISCARD_BIDIR;
    if (value == "nonintra") return AVDISCARD_NONINTRA;
    if (value == "nonkey") return AVDISCARD_NONKEY;
    if (value == "all") return AVDISCARD_ALL;
    throw invalid_argument("avdiscard '" + value + "' is not one of none, default, nonref, bidir, nonintra, nonkey, all");
}

void parse_options(const std::string& text, capture_options& options) {
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find('|', start), text.size());
        const std::string entry = text.substr(start, end - start);
        start = end + 1;
        if (entry.empty()) {
            continue;
        }
        const size_t separator = entry.find(';');
        if (separator == std::string::npos || separator == 0) {
            throw invalid_argument("capture option '" + entry + "' is not key;value");
        }
        const std::string key = entry.substr(0, separator);
        const std::string value = entry.substr(separator + 1);
        if (key == "threads") {
            try {
                options.threads = std::stoi(value);
            } catch (const std::exception&) {
                throw invalid_argument("threads '" + value + "' is not a number");
            }
            if (options.threads < 0 || options.threads > 16) {
                throw invalid_argument("threads must be 0 (automatic) to 16");
            }
        } else if (key == "avdiscard") {
            options.skip_frame = discard_from(value);
        } else if (av_dict_set(&options.format, key.c_str(), value.c_str(), 0) < 0) {
            throw std::bad_alloc();
        }
    }
}

/* Decodes the next video frame into capture->frame; false at the end of the stream, when the read
 * timeout passed (the stream stalled or the connection dropped) or the input broke. */
bool decode_next(egcv_capture* capture) {
    capture->has_frame = false;
    set_deadline(capture, capture->read_timeout_ms);
    bool decoded = false;
    while (true) {
        const int received = avcodec_receive_frame(capture->decoder, capture->frame);
        if (received == 0) {
            decoded = true;
            break;
        }
        if (received != AVERROR(EAGAIN) || capture->draining) {
            break;
        }
        const int read = av_read_frame(capture->format, capture->packet);
        if (read == AVERROR(EAGAIN)) {
            continue;
        }
        if (read < 0) {
            if (read != AVERROR_EOF) {
                break;  /* timed out (interrupted) or the input failed */
            }
            /* The end of a file: flush the frames the decoder still holds. */
            capture->draining = true;
            avcodec_send_packet(capture->decoder, nullptr);
            continue;
        }
        if (capture->packet->stream_index == capture->stream) {
            /* A packet the decoder refuses (corrupt data) is skipped: the next key frame recovers. */
            avcodec_send_packet(capture->decoder, capture->packet);
        }
        av_packet_unref(capture->packet);
    }
    set_deadline(capture, 0);
    if (decoded) {
        const AVStream* stream = capture->format->streams[capture->stream];
        const int64_t pts = capture->frame->best_effort_timestamp;
        capture->position_ms = pts == AV_NOPTS_VALUE ? NAN : pts * av_q2d(stream->time_base) * 1000.0;
        capture->has_frame = true;
    }
    return decoded;
}

/* Converts the decoded frame to BGR into a caller buffer (stride >= width * 3). */
void convert_frame(egcv_capture* capture, uint8_t* destination, int64_t destination_length, int32_t destination_stride) {
    const AVFrame* frame = capture->frame;
    check_layout("destination", destination, destination_length, frame->width, frame->height, destination_stride, 3);
    /* Bicubic as OpenCV's FFMPEG backend converted, so frames are the same as before. */
    capture->scaler = sws_getCachedContext(capture->scaler, frame->width, frame->height,
                                           static_cast<AVPixelFormat>(frame->format), frame->width, frame->height,
                                           AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr);
    if (capture->scaler == nullptr) {
        const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format));
        throw std::runtime_error(std::string("cannot convert frames of pixel format ") + (name != nullptr ? name : "unknown") +
                                 " to BGR");
    }
    uint8_t* planes[4] = {destination, nullptr, nullptr, nullptr};
    int strides[4] = {destination_stride, 0, 0, 0};
    sws_scale(capture->scaler, frame->data, frame->linesize, 0, frame->height, planes, strides);
}

/* The stream position of the frame just read, made strictly increasing. RTSP frames that arrive
 * before the first RTCP sync may have no usable position, and the position may restart or jump
 * back: frames without a usable position get the previous timestamp plus one frame interval, and
 * after a step back the positions are shifted so that they continue from there, keeping the real
 * spacing between frames. */
double monotonic_timestamp(egcv_capture* capture) {
    const double position = capture->position_ms;
    const AVRational rate = av_guess_frame_rate(capture->format, capture->format->streams[capture->stream], nullptr);
    const double fps = av_q2d(rate);
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

/* The codec contexts, frames and converters of one H.264 round trip, freed together. */
struct h264_round_trip {
    AVCodecContext* encoder = nullptr;
    AVCodecContext* decoder = nullptr;
    AVFrame* picture = nullptr;   /* the 4:2:0 frame handed to the encoder */
    AVFrame* decoded = nullptr;   /* the decoder's output */
    AVPacket* packet = nullptr;
    SwsContext* to_yuv = nullptr;
    SwsContext* to_bgr = nullptr;
    std::vector<uint8_t> last;    /* the last decoded frame as BGR, coded size */
    int last_width = 0;
    int last_height = 0;
    int last_stride = 0;
    bool has_last = false;
    int64_t stream_bytes = 0;

    h264_round_trip() = default;
    h264_round_trip(const h264_round_trip&) = delete;
    h264_round_trip& operator=(const h264_round_trip&) = delete;
    ~h264_round_trip() {
        sws_freeContext(to_bgr);
        sws_freeContext(to_yuv);
        av_packet_free(&packet);
        av_frame_free(&decoded);
        av_frame_free(&picture);
        avcodec_free_context(&decoder);
        avcodec_free_context(&encoder);
    }

    /* Converts every frame the decoder has ready; the last one is kept as BGR (as convert_frame does). */
    void receive_decoded() {
        while (true) {
            const int received = avcodec_receive_frame(decoder, decoded);
            if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) {
                return;
            }
            if (received < 0) {
                throw std::runtime_error("the H.264 decoder failed: " + av_error_text(received));
            }
            to_bgr = sws_getCachedContext(to_bgr, decoded->width, decoded->height,
                                          static_cast<AVPixelFormat>(decoded->format), decoded->width,
                                          decoded->height, AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr);
            if (to_bgr == nullptr) {
                throw std::runtime_error("cannot convert the decoded frames to BGR");
            }
            /* swscale's vector code writes past the end of rows: rows aligned to 64 bytes, and a spare row. */
            last_width = decoded->width;
            last_height = decoded->height;
            last_stride = (decoded->width * 3 + 63) & ~63;
            last.resize(static_cast<size_t>(last_stride) * (decoded->height + 1));
            uint8_t* planes[4] = {last.data(), nullptr, nullptr, nullptr};
            int strides[4] = {last_stride, 0, 0, 0};
            sws_scale(to_bgr, decoded->data, decoded->linesize, 0, decoded->height, planes, strides);
            has_last = true;
            av_frame_unref(decoded);
        }
    }

    /* Moves every packet the encoder has ready to the decoder. */
    void pass_packets() {
        while (true) {
            const int received = avcodec_receive_packet(encoder, packet);
            if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) {
                return;
            }
            if (received < 0) {
                throw std::runtime_error("the H.264 encoder failed: " + av_error_text(received));
            }
            stream_bytes += packet->size;
            const int sent = avcodec_send_packet(decoder, packet);
            av_packet_unref(packet);
            if (sent < 0) {
                throw std::runtime_error("the H.264 decoder refused the encoder's packet: " + av_error_text(sent));
            }
            receive_decoded();
        }
    }
};

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
        capture_options options;
        parse_options(ffmpeg_options != nullptr ? ffmpeg_options : default_ffmpeg_options, options);
        static std::once_flag initialised;
        std::call_once(initialised, [] {
            /* FFmpeg would print every concealed error of a lossy stream on stderr; failures come back as values. */
            av_log_set_level(AV_LOG_QUIET);
            avformat_network_init();
        });

        auto result = std::make_unique<egcv_capture>();
        result->read_timeout_ms = read_timeout_ms;
        const std::string masked = mask_password(url);
        auto failed = [&](const std::string& why) {
            return fail(EGCV_ERROR, "could not open '" + masked + "' (open timeout " + std::to_string(open_timeout_ms) +
                                        " ms): " + why);
        };
        result->format = avformat_alloc_context();
        if (result->format == nullptr) {
            throw std::bad_alloc();
        }
        result->format->interrupt_callback.callback = capture_interrupted;
        result->format->interrupt_callback.opaque = result.get();
        set_deadline(result.get(), open_timeout_ms);
        int error = avformat_open_input(&result->format, url, nullptr, &options.format);
        if (error < 0) {
            /* avformat_open_input frees the context on failure. */
            const bool timed_out = capture_interrupted(result.get()) != 0;
            return failed(timed_out ? "no answer in time" : av_error_text(error) + ": unreachable, refused, not found, or not a video");
        }
        error = avformat_find_stream_info(result->format, nullptr);
        if (error < 0) {
            return failed("cannot read the stream's format: " + av_error_text(error));
        }
        const AVCodec* codec = nullptr;
        result->stream = av_find_best_stream(result->format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
        if (result->stream < 0 || codec == nullptr) {
            return failed(result->stream == AVERROR_DECODER_NOT_FOUND ? "no decoder for its video" : "it holds no video");
        }
        for (unsigned i = 0; i < result->format->nb_streams; i++) {
            if (static_cast<int>(i) != result->stream) {
                result->format->streams[i]->discard = AVDISCARD_ALL;  /* audio and data are not demuxed */
            }
        }
        const AVStream* stream = result->format->streams[result->stream];
        result->decoder = avcodec_alloc_context3(codec);
        if (result->decoder == nullptr || avcodec_parameters_to_context(result->decoder, stream->codecpar) < 0) {
            throw std::bad_alloc();
        }
        result->decoder->pkt_timebase = stream->time_base;
        result->decoder->thread_count = options.threads;
        result->decoder->flags |= AV_CODEC_FLAG_LOW_DELAY;
        result->decoder->skip_frame = options.skip_frame;
        error = avcodec_open2(result->decoder, codec, nullptr);
        if (error < 0) {
            return failed(std::string("cannot start the ") + codec->name + " decoder: " + av_error_text(error));
        }
        result->packet = av_packet_alloc();
        result->frame = av_frame_alloc();
        if (result->packet == nullptr || result->frame == nullptr) {
            throw std::bad_alloc();
        }
        set_deadline(result.get(), 0);
        *capture = result.release();
        return EGCV_OK;
    });
}

egcv_status egcv_capture_frame_size(egcv_capture* capture, int32_t* width, int32_t* height) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || width == nullptr || height == nullptr) {
            throw invalid_argument("null pointer");
        }
        const AVCodecParameters* parameters = capture->format->streams[capture->stream]->codecpar;
        *width = parameters->width;
        *height = parameters->height;
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
        if (!decode_next(capture)) {
            return EGCV_OK;
        }
        const AVFrame* frame = capture->frame;
        *has_frame = 1;
        *width = frame->width;
        *height = frame->height;
        *timestamp_ms = monotonic_timestamp(capture);
        if (destination_stride == 0) {
            destination_stride = frame->width * 3;
        }
        if (destination == nullptr || destination_stride < frame->width * 3 ||
            destination_length < required_length(frame->width, frame->height, destination_stride, 3)) {
            return fail(EGCV_BUFFER_TOO_SMALL, std::string("the frame is ") +
                                                   std::to_string(frame->width) + "x" + std::to_string(frame->height) +
                                                   ", larger than the destination");
        }
        convert_frame(capture, destination, destination_length, destination_stride);
        return EGCV_OK;
    });
}

egcv_status egcv_capture_copy_frame(egcv_capture* capture, uint8_t* destination, int64_t destination_length,
                                    int32_t destination_stride) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr) {
            throw invalid_argument("null capture");
        }
        if (!capture->has_frame) {
            throw invalid_argument("no frame has been read");
        }
        convert_frame(capture, destination, destination_length,
                      destination_stride == 0 ? capture->frame->width * 3 : destination_stride);
        return EGCV_OK;
    });
}

egcv_status egcv_capture_grab(egcv_capture* capture, int32_t* grabbed) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || grabbed == nullptr) {
            throw invalid_argument("null pointer");
        }
        *grabbed = decode_next(capture) ? 1 : 0;
        if (*grabbed) {
            monotonic_timestamp(capture);
        }
        return EGCV_OK;
    });
}

egcv_status egcv_capture_get(egcv_capture* capture, int32_t property, double* value) {
    return checked(__func__, [&]() -> egcv_status {
        if (capture == nullptr || value == nullptr) {
            throw invalid_argument("null pointer");
        }
        const AVStream* stream = capture->format->streams[capture->stream];
        const double fps = av_q2d(av_guess_frame_rate(capture->format, const_cast<AVStream*>(stream), nullptr));
        switch (property) {
            case EGCV_CAP_POS_MSEC:
                *value = capture->has_timestamp ? capture->last_timestamp_ms : 0;
                break;
            case EGCV_CAP_FRAME_WIDTH: *value = stream->codecpar->width; break;
            case EGCV_CAP_FRAME_HEIGHT: *value = stream->codecpar->height; break;
            case EGCV_CAP_FPS: *value = fps; break;
            case EGCV_CAP_FRAME_COUNT:
                if (stream->nb_frames > 0) {
                    *value = static_cast<double>(stream->nb_frames);
                } else if (capture->format->duration > 0 && fps > 0) {
                    *value = std::floor(capture->format->duration / static_cast<double>(AV_TIME_BASE) * fps + 0.5);
                } else {
                    *value = 0;
                }
                break;
            default: throw invalid_argument("unsupported property " + std::to_string(property));
        }
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

egcv_status egcv_h264_round_trip(const uint8_t* frames, int64_t frames_length, int32_t count, int32_t width,
                                 int32_t height, int32_t stride, int32_t frame_rate, int32_t bit_rate,
                                 int32_t key_interval, int32_t colour_matrix, uint8_t* destination,
                                 int64_t destination_length, int32_t destination_stride, int64_t* stream_bytes) {
    return checked(__func__, [&]() -> egcv_status {
        if (stream_bytes == nullptr) {
            throw invalid_argument("null output pointer");
        }
        *stream_bytes = 0;
        if (count <= 0) {
            throw invalid_argument("frame count " + std::to_string(count) + " is not positive");
        }
        check_layout("frames", frames, frames_length, width, height, stride, 3);
        const int64_t frame_length = static_cast<int64_t>(height) * stride;
        if (frames_length < (count - 1) * frame_length + required_length(width, height, stride, 3)) {
            throw invalid_argument("frames: buffer of " + std::to_string(frames_length) + " bytes is shorter than " +
                                   std::to_string(count) + " frames of " + std::to_string(frame_length) + " bytes");
        }
        check_layout("destination", destination, destination_length, width, height, destination_stride, 3);
        if (frame_rate <= 0 || bit_rate <= 0 || key_interval <= 0) {
            throw invalid_argument("frame rate, bit rate and key frame interval must be positive");
        }
        if (colour_matrix != EGCV_MATRIX_BT601 && colour_matrix != EGCV_MATRIX_BT709) {
            throw invalid_argument("colour matrix " + std::to_string(colour_matrix) + " is not 601 or 709");
        }
        static std::once_flag quiet;
        std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
        const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
        const AVCodec* h264 = avcodec_find_decoder(AV_CODEC_ID_H264);
        if (x264 == nullptr || h264 == nullptr) {
            return fail(EGCV_ERROR, "this FFmpeg has no libx264 encoder or no H.264 decoder");
        }
        /* 4:2:0 needs even sizes: the last column and row are repeated, then cropped off again. */
        const int32_t coded_width = (width + 1) & ~1;
        const int32_t coded_height = (height + 1) & ~1;
        h264_round_trip trip;
        trip.encoder = avcodec_alloc_context3(x264);
        trip.decoder = avcodec_alloc_context3(h264);
        trip.picture = av_frame_alloc();
        trip.decoded = av_frame_alloc();
        trip.packet = av_packet_alloc();
        if (trip.encoder == nullptr || trip.decoder == nullptr || trip.picture == nullptr || trip.decoded == nullptr ||
            trip.packet == nullptr) {
            throw std::bad_alloc();
        }
        const bool bt709 = colour_matrix == EGCV_MATRIX_BT709;
        AVCodecContext* encoder = trip.encoder;
        encoder->width = coded_width;
        encoder->height = coded_height;
        encoder->pix_fmt = AV_PIX_FMT_YUV420P;
        encoder->time_base = AVRational{1, frame_rate};
        encoder->framerate = AVRational{frame_rate, 1};
        encoder->gop_size = key_interval;
        encoder->max_b_frames = 0;
        encoder->thread_count = 1;
        /* Constant bit rate as GStreamer's x264enc makes it: the rate as VBV maximum, a 600 ms buffer. */
        encoder->bit_rate = bit_rate;
        encoder->rc_max_rate = bit_rate;
        encoder->rc_buffer_size = static_cast<int>(static_cast<int64_t>(bit_rate) * 6 / 10);
        encoder->color_range = AVCOL_RANGE_MPEG;
        encoder->colorspace = bt709 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
        if (av_opt_set(encoder->priv_data, "preset", "ultrafast", 0) < 0 ||
            av_opt_set(encoder->priv_data, "tune", "zerolatency", 0) < 0 ||
            av_opt_set(encoder->priv_data, "profile", "baseline", 0) < 0) {
            return fail(EGCV_ERROR, "libx264 refused the preset, tune or profile");
        }
        int error = avcodec_open2(encoder, x264, nullptr);
        if (error < 0) {
            return fail(EGCV_ERROR, "cannot start libx264: " + av_error_text(error));
        }
        trip.decoder->thread_count = 1;
        trip.decoder->flags |= AV_CODEC_FLAG_LOW_DELAY;
        error = avcodec_open2(trip.decoder, h264, nullptr);
        if (error < 0) {
            return fail(EGCV_ERROR, "cannot start the H.264 decoder: " + av_error_text(error));
        }
        trip.picture->format = AV_PIX_FMT_YUV420P;
        trip.picture->width = coded_width;
        trip.picture->height = coded_height;
        if (av_frame_get_buffer(trip.picture, 0) < 0) {
            throw std::bad_alloc();
        }
        trip.to_yuv = sws_getContext(coded_width, coded_height, AV_PIX_FMT_BGR24, coded_width, coded_height,
                                     AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr);
        if (trip.to_yuv == nullptr) {
            throw std::runtime_error("cannot convert BGR to 4:2:0");
        }
        /* RGB to YUV uses the destination's table: the chosen matrix, limited range. */
        sws_setColorspaceDetails(trip.to_yuv, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                                 sws_getCoefficients(bt709 ? SWS_CS_ITU709 : SWS_CS_ITU601), 0, 0, 1 << 16, 1 << 16);
        /* The coded frame in BGR, rows aligned to 64 bytes and a spare row for swscale's vector code. */
        const int padded_stride = (coded_width * 3 + 63) & ~63;
        std::vector<uint8_t> padded_pixels(static_cast<size_t>(padded_stride) * (coded_height + 1));
        cv::Mat padded(coded_height, coded_width, CV_8UC3, padded_pixels.data(), static_cast<size_t>(padded_stride));
        for (int32_t k = 0; k < count; k++) {
            const cv::Mat source = wrap(frames + k * frame_length, width, height, stride, 3);
            cv::copyMakeBorder(source, padded, 0, coded_height - height, 0, coded_width - width, cv::BORDER_REPLICATE);
            if (padded.data != padded_pixels.data()) {
                throw std::logic_error("the padded frame was reallocated");
            }
            if (av_frame_make_writable(trip.picture) < 0) {
                throw std::bad_alloc();
            }
            const uint8_t* planes[4] = {padded.data, nullptr, nullptr, nullptr};
            const int strides[4] = {static_cast<int>(padded.step), 0, 0, 0};
            sws_scale(trip.to_yuv, planes, strides, 0, coded_height, trip.picture->data, trip.picture->linesize);
            trip.picture->pts = k;
            error = avcodec_send_frame(encoder, trip.picture);
            if (error < 0) {
                return fail(EGCV_ERROR, "libx264 refused frame " + std::to_string(k) + ": " + av_error_text(error));
            }
            trip.pass_packets();
        }
        avcodec_send_frame(encoder, nullptr);
        trip.pass_packets();
        avcodec_send_packet(trip.decoder, nullptr);
        trip.receive_decoded();
        if (!trip.has_last || trip.last_width != coded_width || trip.last_height != coded_height) {
            return fail(EGCV_ERROR, "the H.264 decoder gave no frame of the coded size back");
        }
        const cv::Mat decoded(coded_height, coded_width, CV_8UC3, trip.last.data(), static_cast<size_t>(trip.last_stride));
        copy_bgr(decoded(cv::Rect(0, 0, width, height)), destination, destination_length, destination_stride);
        *stream_bytes = trip.stream_bytes;
        return EGCV_OK;
    });
}

}  // extern "C"
