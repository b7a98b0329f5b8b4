// The baseline for bench.mjs: the official Node Socket.IO server, one room, every "send"
// broadcast to the room and acknowledged, as Suku does (without the database and the
// authorization).
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] || 3999);
const http = createServer();
const io = new Server(http, { transports: ["websocket", "polling"] });
let id = 0;
io.on("connection", (s) => {
  s.join("room");
  s.on("send", (m, ack) => {
    id++;
    io.to("room").emit("message", { conversation_id: 1, id, author_id: 1, author: "bench", body: m.body });
    if (typeof ack === "function") ack({ ok: true, id });
  });
});
http.listen(port, "127.0.0.1", () => console.log(`listening ${port}`));
