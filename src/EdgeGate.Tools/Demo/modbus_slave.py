#!/usr/bin/python3
"""Independent Modbus RTU slave for EdgeGate's serial tests (Debian python3-pymodbus 3.0).

Serves one slave id on a serial device (a socat pty in the tests) with coils, discrete inputs and
holding registers. Every write of a coil or a holding register is printed on stdout with a
CLOCK_MONOTONIC timestamp in seconds, so a test can see a pulse as it happened on the slave side,
and so is every read request (function code 1-4):

    coil <address> <0|1> <monotonic seconds>
    register <address> <value> <monotonic seconds>
    read <function code> <address> <count> <monotonic seconds>

"ready" is printed once the serial port is open. Options can make the slave misbehave on purpose:
--noise-hex prefixes every reply with the given bytes (line noise before a reply); --late-replies N
--late-by-ms M sends the first N replies M milliseconds late (after the master's timeout).

A discrete input (a door contact, an exit button) is changed by a line on stdin, "di <address> <0|1>";
the slave answers "input <address> <0|1> <monotonic seconds>" once the new value is in place.
"""
import argparse
import asyncio
import struct
import sys
import time

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer
from pymodbus.utilities import computeCRC


def emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class LoggingBlock(ModbusSequentialDataBlock):
    """A data block that prints every value written."""

    def __init__(self, kind, values):
        super().__init__(0, values)
        self.kind = kind

    def setValues(self, address, values):  # pylint: disable=invalid-name
        if not isinstance(values, list):
            values = [values]
        super().setValues(address, values)
        now = time.monotonic()
        for offset, new in enumerate(values):
            emit(f"{self.kind} {address + offset} {int(new)} {now:.6f}")


class LoggingSlaveContext(ModbusSlaveContext):
    """A slave context that prints every read request (writes are printed by their blocks)."""

    def getValues(self, fc_as_hex, address, count=1):  # pylint: disable=invalid-name
        if fc_as_hex in (1, 2, 3, 4):
            emit(f"read {fc_as_hex} {address} {count} {time.monotonic():.6f}")
        return super().getValues(fc_as_hex, address, count)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", required=True)
    parser.add_argument("--slave", type=int, default=1)
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--coils", type=int, default=8)
    parser.add_argument("--discrete-inputs", default="0,0,0,0,0,0,0,0",
                        help="comma-separated initial discrete input values")
    parser.add_argument("--registers", type=int, default=8)
    parser.add_argument("--noise-hex", default="", help="bytes sent before every reply")
    parser.add_argument("--late-replies", type=int, default=0, help="how many of the first replies are late")
    parser.add_argument("--late-by-ms", type=int, default=0, help="how late those replies are")
    arguments = parser.parse_args()

    noise = bytes.fromhex(arguments.noise_hex)
    inputs = [int(v) for v in arguments.discrete_inputs.split(",") if v != ""]
    slave = LoggingSlaveContext(
        di=ModbusSequentialDataBlock(0, inputs),
        co=LoggingBlock("coil", [0] * arguments.coils),
        hr=LoggingBlock("register", [0] * arguments.registers),
        ir=ModbusSequentialDataBlock(0, [0] * arguments.registers),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={arguments.slave: slave}, single=False)

    late = {"left": arguments.late_replies}

    def manipulate(response):
        if late["left"] > 0:
            # Blocks the slave's loop on purpose: nothing else is answered meanwhile, as on a
            # single-threaded board that is busy.
            late["left"] -= 1
            time.sleep(arguments.late_by_ms / 1000)
        if not noise:
            return response, False
        body = struct.pack(">BB", response.unit_id, response.function_code) + response.encode()
        frame = body + struct.pack(">H", computeCRC(body))
        return noise + frame, True

    def on_stdin():
        line = sys.stdin.readline()
        if not line:
            asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
            return
        parts = line.split()
        if len(parts) == 3 and parts[0] == "di":
            address, value = int(parts[1]), int(parts[2])
            slave.setValues(2, address, [value])
            emit(f"input {address} {value} {time.monotonic():.6f}")

    async def run():
        server = await StartAsyncSerialServer(
            context=context,
            framer=ModbusRtuFramer,
            port=arguments.port,
            baudrate=arguments.baud,
            bytesize=8,
            parity="N",
            stopbits=1,
            timeout=0.005,
            ignore_missing_slaves=True,
            defer_start=True,
            response_manipulator=manipulate if noise or arguments.late_replies else None,
        )
        await server.start()
        asyncio.get_running_loop().add_reader(sys.stdin.fileno(), on_stdin)
        emit("ready")
        await server.serve_forever()

    asyncio.run(run())


if __name__ == "__main__":
    main()
