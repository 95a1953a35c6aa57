// The draft's socket: what it tells the page when it is lost and when it comes back.
import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { DraftSocket } from "../src/coedit/socket.js";

class FakeWebSocket {
  static opened = [];

  constructor(url) {
    this.url = url;
    FakeWebSocket.opened.push(this);
  }

  hello() {
    this.onmessage({ data: JSON.stringify({ type: "hello", cid: "c1", read_only: false }) });
  }

  drop(code = 1006) {
    this.onclose({ code });
  }
}

test("coming back after being lost is a resumption; the first connection is not", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    FakeWebSocket.opened = [];
    const socket = new DraftSocket(7, { url: "ws://test", WebSocketImpl: FakeWebSocket });
    const events = [];
    socket.subscribe({
      state: (s) => events.push(s.up ? "up" : "down"),
      resumed: () => events.push("resumed"),
    });
    FakeWebSocket.opened[0].hello();
    assert.deepEqual(events, ["up"]);
    FakeWebSocket.opened[0].drop();
    assert.deepEqual(events, ["up", "down"]);
    // Still down at the first attempt (the server restarting), up at the second.
    mock.timers.tick(1250);
    FakeWebSocket.opened[1].drop();
    mock.timers.tick(2500);
    assert.equal(FakeWebSocket.opened.length, 3);
    FakeWebSocket.opened[2].hello();
    assert.deepEqual(events, ["up", "down", "up", "resumed"]);
    // A hello on the same connection (none is sent today) is not another resumption.
    FakeWebSocket.opened[2].hello();
    assert.equal(events.filter((e) => e === "resumed").length, 1);
  } finally {
    mock.timers.reset();
  }
});

test("a socket that could not open at first resumes when it does: the page is older", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    FakeWebSocket.opened = [];
    const socket = new DraftSocket(8, { url: "ws://test", WebSocketImpl: FakeWebSocket });
    let resumed = 0;
    socket.subscribe({ resumed: () => (resumed += 1) });
    FakeWebSocket.opened[0].drop();
    mock.timers.tick(1250);
    FakeWebSocket.opened[1].hello();
    assert.equal(resumed, 1);
  } finally {
    mock.timers.reset();
  }
});
