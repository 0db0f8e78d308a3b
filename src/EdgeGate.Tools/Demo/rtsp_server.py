#!/usr/bin/python3
"""RTSP test server for EdgeGate tests and the demo.

Serves on 127.0.0.1:<port><path> a looping H.264 stream (x264enc tune=zerolatency, short GOP) made
of still images, each shown for a number of seconds, letterboxed to the stream size. Each image is
decoded once at start (GStreamer decodebin + videoscale add-borders), then frames are pushed through
an appsrc with timestamps, so the stream runs at the given rate in real time.

Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-
{base,good,ugly}). Prints "READY rtsp://127.0.0.1:<port><path>" once listening.

  rtsp_server.py --port 8554 --path /gate --fps 15 --size 1280x720 \
      --image a.jpg:3 --blank 2 --image b.jpg:5

--stamp makes the stream behave like a camera for latency measurements: frames are pushed live by a
clock (one thread per client, is-live), and each frame carries the CLOCK_MONOTONIC time at which it
was pushed (its "glass" time) as a barcode in the top-left corner of the luma plane (see
glass_stamp()); the start of every segment is printed as
"SEGMENT <path> <image|blank> <segment index> <monotonic microseconds>". --path may be repeated (one
stream id per path, carried in the barcode). With --wait-for-start every client streams blank frames
until a line "start" arrives on standard input, then all begin the segments at their next frame.
--blank-jitter-frames N makes each blank segment up to N frames longer, at random (seeded per
stream), so that faces do not always appear at the same point of the viewer's frame cadence.
"""

import argparse
import random
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def parse_size(text):
    width, _, height = text.lower().partition("x")
    width, height = int(width), int(height)
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise argparse.ArgumentTypeError("size must be WIDTHxHEIGHT, even and positive")
    return width, height


def parse_image(text):
    path, separator, seconds = text.rpartition(":")
    if not separator or not path:
        raise argparse.ArgumentTypeError("image must be PATH:SECONDS")
    return ("image", path, float(seconds))


def parse_blank(text):
    return ("blank", None, float(text))


def decode_still(path, width, height):
    """Decodes an image file into one I420 frame of width x height, letterboxed in black."""
    pipeline = Gst.parse_launch(
        "filesrc name=file ! decodebin ! videoconvert ! videoscale add-borders=true ! "
        f"video/x-raw,format=I420,width={width},height={height},pixel-aspect-ratio=1/1 ! "
        "appsink name=sink sync=false max-buffers=1"
    )
    pipeline.get_by_name("file").set_property("location", path)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    sample = sink.emit("try-pull-sample", 10 * Gst.SECOND)
    bus = pipeline.get_bus()
    error = bus.pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if sample is None:
        detail = error.parse_error()[0].message if error is not None else "no frame"
        raise SystemExit(f"cannot decode {path}: {detail}")
    buffer = sample.get_buffer()
    ok, info = buffer.map(Gst.MapFlags.READ)
    if not ok:
        raise SystemExit(f"cannot map the decoded frame of {path}")
    try:
        return bytes(info.data)
    finally:
        buffer.unmap(info)


def blank_frame(width, height):
    """A flat dark grey I420 frame (nobody in view), about RGB 58,58,58."""
    luma = bytes([66]) * (width * height)
    chroma = bytes([128]) * (width * height // 2)
    return luma + chroma


# The glass stamp: 64 bits as 2 rows of 32 squares of STAMP_BLOCK x STAMP_BLOCK luma pixels in the
# top-left corner, white (235) for 1 and black (16) for 0, least significant bit first, row by row;
# the chroma under the strip is neutral. Bits 0-47: CLOCK_MONOTONIC microseconds at push time (mod
# 2^48); bits 48-55: the stream id; bits 56-63: the XOR of the seven bytes before them. Decoded by
# GlassStamp.TryRead in the gateway's bench (any reader: sample each square's centre).
STAMP_BLOCK = 8
STAMP_COLUMNS = 32
STAMP_ROWS = 2


def glass_stamp(microseconds, stream_id):
    """The 64-bit stamp of a frame pushed at <microseconds> on stream <stream_id>."""
    value = (microseconds & ((1 << 48) - 1)) | ((stream_id & 0xFF) << 48)
    check = 0
    for index in range(7):
        check ^= (value >> (8 * index)) & 0xFF
    return value | (check << 56)


def write_stamp(frame, width, height, stamp):
    """Writes the stamp into an I420 frame (a bytearray) in place."""
    for row in range(STAMP_ROWS):
        line = bytearray()
        for column in range(STAMP_COLUMNS):
            bit = (stamp >> (row * STAMP_COLUMNS + column)) & 1
            line += bytes([235 if bit else 16]) * STAMP_BLOCK
        for y in range(row * STAMP_BLOCK, (row + 1) * STAMP_BLOCK):
            frame[y * width:y * width + len(line)] = line
    chroma_width = width // 2
    chroma_rows = STAMP_ROWS * STAMP_BLOCK // 2
    neutral = bytes([128]) * (STAMP_COLUMNS * STAMP_BLOCK // 2)
    for plane in (width * height, width * height + chroma_width * (height // 2)):
        for y in range(chroma_rows):
            frame[plane + y * chroma_width:plane + y * chroma_width + len(neutral)] = neutral


class Output:
    """Standard output shared by the client threads (one line at a time)."""

    lock = threading.Lock()

    @classmethod
    def line(cls, text):
        with cls.lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()


class StartSignal:
    """Set once "start" arrives on standard input (or at once without --wait-for-start)."""

    def __init__(self, started):
        self.event = threading.Event()
        if started:
            self.event.set()


class LiveClient(threading.Thread):
    """Pushes one client's frames by the clock, stamped with their push time, until the media goes."""

    def __init__(self, source, pixels, width, height, fps, path, stream_id, start, jitter):
        super().__init__(daemon=True)
        self.source = source
        self.pixels = pixels  # list of (kind, I420 bytes, frame count)
        # Blank segments last up to <jitter> frames longer, at random (seeded per stream), so that a
        # face does not always appear at the same point of the viewer's frame cadence.
        self.jitter = jitter
        self.random = random.Random(stream_id)
        self.length = self.pixels[0][2]
        self.width = width
        self.height = height
        self.fps = fps
        self.path = path
        self.stream_id = stream_id
        self.start_signal = start
        self.running = True

    def stop(self):
        self.running = False

    def run(self):
        interval = 1.0 / self.fps
        due = time.monotonic()
        blank = blank_frame(self.width, self.height)
        segment, shown = None, 0  # the segment shown and its frames shown so far, once started
        pushed = None  # the segment of the last frame pushed
        while self.running:
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
                continue
            # A late push (the box is busy) skips the frames it missed, as a camera would.
            missed = int((now - due) / interval)
            due += (missed + 1) * interval
            if segment is None:
                if self.start_signal.event.is_set():
                    segment, shown = 0, 0
                    self.length = self.segment_length(0)
            else:
                segment, shown = self.advance(segment, shown, missed)
            microseconds = time.monotonic_ns() // 1000
            if segment is None:
                pixels = blank
            else:
                kind, pixels, _ = self.pixels[segment]
                if segment != pushed or shown == 0:
                    # The segment's first frame on the stream (frames skipped while late are not).
                    Output.line(f"SEGMENT {self.path} {kind} {segment} {microseconds}")
                pushed = segment
                segment, shown = self.advance(segment, shown, 1)
            frame = bytearray(pixels)
            write_stamp(frame, self.width, self.height, glass_stamp(microseconds, self.stream_id))
            buffer = Gst.Buffer.new_wrapped(bytes(frame))
            buffer.duration = Gst.SECOND // self.fps
            if self.source.emit("push-buffer", buffer) != Gst.FlowReturn.OK:
                return

    def advance(self, segment, shown, frames):
        shown += frames
        while shown >= self.length:
            shown -= self.length
            segment = (segment + 1) % len(self.pixels)
            self.length = self.segment_length(segment)
        return segment, shown

    def segment_length(self, segment):
        kind, _, count = self.pixels[segment]
        return count + (self.random.randint(0, self.jitter) if kind == "blank" else 0)


class LiveFactory(GstRtspServer.RTSPMediaFactory):
    """One live pipeline per client, fed by a LiveClient thread (see --stamp)."""

    def __init__(self, pixels, width, height, fps, path, stream_id, start, jitter):
        super().__init__()
        self.jitter = jitter
        self.pixels = pixels
        self.width = width
        self.height = height
        self.fps = fps
        self.path = path
        self.stream_id = stream_id
        self.start_signal = start
        self.set_shared(False)
        self.connect("media-configure", self.on_media_configure)

    def do_create_element(self, url):
        return Gst.parse_launch(encoder_launch(self.width, self.height, self.fps, live=True))

    def on_media_configure(self, factory, media):
        source = media.get_element().get_by_name_recurse_up("source")
        client = LiveClient(source, self.pixels, self.width, self.height, self.fps, self.path, self.stream_id,
                            self.start_signal, self.jitter)
        media.connect("unprepared", lambda _media: client.stop())
        client.start()


def encoder_launch(width, height, fps, live):
    key_interval = max(1, fps)
    source = "appsrc name=source format=time " + ("is-live=true do-timestamp=true " if live else "")
    return (
        f"( {source}"
        f"caps=video/x-raw,format=I420,width={width},height={height},"
        f"framerate={fps}/1,pixel-aspect-ratio=1/1 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={key_interval} "
        "bitrate=2500 threads=1 "
        "! video/x-h264,profile=constrained-baseline "
        "! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )


class StillsFactory(GstRtspServer.RTSPMediaFactory):
    """One pipeline per client; every client's stream starts at the first segment."""

    def __init__(self, frames, width, height, fps):
        super().__init__()
        self.frames = frames  # list of (Gst.Buffer, frame count)
        self.width = width
        self.height = height
        self.fps = fps
        self.set_shared(False)
        self.connect("media-configure", self.on_media_configure)

    def do_create_element(self, url):
        return Gst.parse_launch(encoder_launch(self.width, self.height, self.fps, live=False))

    def on_media_configure(self, factory, media):
        source = media.get_element().get_by_name_recurse_up("source")
        state = {"index": 0, "segment": 0, "shown": 0}
        duration = Gst.SECOND // self.fps

        def need_data(appsrc, _length):
            buffer, count = self.frames[state["segment"]]
            frame = buffer.copy()
            frame.pts = state["index"] * duration
            frame.dts = frame.pts
            frame.duration = duration
            state["index"] += 1
            state["shown"] += 1
            if state["shown"] >= count:
                state["shown"] = 0
                state["segment"] = (state["segment"] + 1) % len(self.frames)
            appsrc.emit("push-buffer", frame)

        source.connect("need-data", need_data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", dest="paths", action="append", default=[],
                        help="mount path (default /gate); repeat for several streams (stream id = position)")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--size", type=parse_size, default=(1280, 720))
    parser.add_argument("--image", dest="segments", action="append", type=parse_image, default=[])
    parser.add_argument("--blank", dest="segments", action="append", type=parse_blank)
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when standard input closes (the parent test process has gone)")
    parser.add_argument("--stamp", action="store_true",
                        help="push frames live by the clock, each stamped with its push time (see above)")
    parser.add_argument("--wait-for-start", action="store_true",
                        help="with --stamp: blank frames until a line 'start' on standard input")
    parser.add_argument("--blank-jitter-frames", type=int, default=0,
                        help="with --stamp: each blank segment lasts up to this many frames longer, at random")
    arguments = parser.parse_args()
    paths = arguments.paths or ["/gate"]
    if any(not path.startswith("/") for path in paths) or len(set(paths)) != len(paths):
        parser.error("--path must start with / and be different for each stream")
    if arguments.wait_for_start and not arguments.stamp:
        parser.error("--wait-for-start needs --stamp")
    if arguments.fps <= 0:
        parser.error("--fps must be positive")
    segments = arguments.segments or [("blank", None, 1.0)]

    Gst.init(None)
    width, height = arguments.size
    pixels = []
    for kind, path, seconds in segments:
        frame = decode_still(path, width, height) if kind == "image" else blank_frame(width, height)
        pixels.append((kind, frame, max(1, round(seconds * arguments.fps))))

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(arguments.port))
    start = StartSignal(started=not arguments.wait_for_start)
    for stream_id, path in enumerate(paths):
        if arguments.stamp:
            factory = LiveFactory(pixels, width, height, arguments.fps, path, stream_id, start,
                                  arguments.blank_jitter_frames)
        else:
            factory = StillsFactory([(Gst.Buffer.new_wrapped(frame), count) for _, frame, count in pixels],
                                    width, height, arguments.fps)
        server.get_mount_points().add_factory(path, factory)
    if server.attach(None) == 0:
        raise SystemExit(f"cannot listen on 127.0.0.1:{arguments.port}")

    loop = GLib.MainLoop()
    for number in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, number, loop.quit)
    if arguments.exit_on_stdin_eof or arguments.wait_for_start:
        pending = bytearray()

        def on_stdin(channel, condition):
            data = b"" if condition & (GLib.IO_HUP | GLib.IO_ERR) else sys.stdin.buffer.read1(4096)
            if not data:
                if arguments.exit_on_stdin_eof:
                    loop.quit()
                return False
            pending.extend(data)
            while b"\n" in pending:
                line, _, rest = bytes(pending).partition(b"\n")
                pending[:] = rest
                if line.strip() == b"start":
                    start.event.set()
            return True
        GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT,
                          GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)

    for path in paths:
        Output.line(f"READY rtsp://127.0.0.1:{arguments.port}{path}")
    loop.run()


if __name__ == "__main__":
    main()
