#!/usr/bin/python3
"""Independent Modbus RTU slave for EdgeGate's serial tests (Debian python3-pymodbus 3.0).

Serves one slave id on a serial device (a socat pty in the tests) with coils, discrete inputs and
holding registers. Every change of a coil or a holding register is printed on stdout with a
CLOCK_MONOTONIC timestamp in seconds, so a test can see a pulse as it happened on the slave side:

    coil <address> <0|1> <monotonic seconds>
    register <address> <value> <monotonic seconds>

"ready" is printed once the serial port is open. Options can make the slave misbehave on purpose:
--noise-hex prefixes every reply with the given bytes (line noise before a reply).
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
    """A data block that prints every value that changes."""

    def __init__(self, kind, values):
        super().__init__(0, values)
        self.kind = kind

    def setValues(self, address, values):  # pylint: disable=invalid-name
        if not isinstance(values, list):
            values = [values]
        before = self.getValues(address, len(values))
        super().setValues(address, values)
        now = time.monotonic()
        for offset, (old, new) in enumerate(zip(before, values)):
            value = int(new)
            if self.kind == "coil" or int(old) != value:
                emit(f"{self.kind} {address + offset} {value} {now:.6f}")


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
    arguments = parser.parse_args()

    noise = bytes.fromhex(arguments.noise_hex)
    inputs = [int(v) for v in arguments.discrete_inputs.split(",") if v != ""]
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, inputs),
        co=LoggingBlock("coil", [0] * arguments.coils),
        hr=LoggingBlock("register", [0] * arguments.registers),
        ir=ModbusSequentialDataBlock(0, [0] * arguments.registers),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={arguments.slave: slave}, single=False)

    def manipulate(response):
        if not noise:
            return response, False
        body = struct.pack(">BB", response.unit_id, response.function_code) + response.encode()
        frame = body + struct.pack(">H", computeCRC(body))
        return noise + frame, True

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
            response_manipulator=manipulate if noise else None,
        )
        await server.start()
        emit("ready")
        await server.serve_forever()

    asyncio.run(run())


if __name__ == "__main__":
    main()
