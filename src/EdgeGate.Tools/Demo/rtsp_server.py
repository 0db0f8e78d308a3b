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
"""

import argparse
import signal
import sys

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
        key_interval = max(1, self.fps)
        launch = (
            "( appsrc name=source format=time "
            f"caps=video/x-raw,format=I420,width={self.width},height={self.height},"
            f"framerate={self.fps}/1,pixel-aspect-ratio=1/1 "
            f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={key_interval} "
            "bitrate=2500 threads=1 "
            "! video/x-h264,profile=constrained-baseline "
            "! rtph264pay name=pay0 pt=96 config-interval=1 )"
        )
        return Gst.parse_launch(launch)

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
    parser.add_argument("--path", default="/gate")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--size", type=parse_size, default=(1280, 720))
    parser.add_argument("--image", dest="segments", action="append", type=parse_image, default=[])
    parser.add_argument("--blank", dest="segments", action="append", type=parse_blank)
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when standard input closes (the parent test process has gone)")
    arguments = parser.parse_args()
    if not arguments.path.startswith("/"):
        parser.error("--path must start with /")
    if arguments.fps <= 0:
        parser.error("--fps must be positive")
    segments = arguments.segments or [("blank", None, 1.0)]

    Gst.init(None)
    width, height = arguments.size
    frames = []
    for kind, path, seconds in segments:
        pixels = decode_still(path, width, height) if kind == "image" else blank_frame(width, height)
        count = max(1, round(seconds * arguments.fps))
        frames.append((Gst.Buffer.new_wrapped(pixels), count))

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(arguments.port))
    server.get_mount_points().add_factory(arguments.path, StillsFactory(frames, width, height, arguments.fps))
    if server.attach(None) == 0:
        raise SystemExit(f"cannot listen on 127.0.0.1:{arguments.port}")

    loop = GLib.MainLoop()
    for number in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, number, loop.quit)
    if arguments.exit_on_stdin_eof:
        def on_stdin(channel, condition):
            if condition & (GLib.IO_HUP | GLib.IO_ERR) or not sys.stdin.buffer.read1(4096):
                loop.quit()
                return False
            return True
        GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT,
                          GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)

    print(f"READY rtsp://127.0.0.1:{arguments.port}{arguments.path}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
