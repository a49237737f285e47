// libFuzzer target: the worker wire format (FrameDecoder) and the typed message parsers
// that read what comes out of it, on both sides of the pipe.
//
// The input is a byte stream as a pipe would carry it. It is decoded several times, fed
// whole, one byte at a time, and in pieces cut at points derived from the input; every
// way must yield the same messages and fail or not alike. A FrameError is a correct answer
// to garbage; anything else is a finding: a crash, a sanitizer report, another exception
// escaping, decodings that disagree, or a message that does not survive encode/decode.
#include "worker/frame_codec.hpp"
#include "worker/messages.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

using nas::core::Json;
namespace w = nas::core::worker;

namespace {

[[noreturn]] void finding(const std::string &what) {
  std::fprintf(stderr, "frame_fuzz: %s\n", what.c_str());
  std::abort();
}

struct Decoded {
  std::vector<Json> messages;
  bool failed = false;
  size_t buffered = 0;
};

// Feeds data[cuts[i-1], cuts[i]) piece by piece, taking every whole message after each.
Decoded decode(const char *data, size_t size, std::vector<size_t> cuts,
               size_t max_frame = w::kMaxFrame) {
  cuts.push_back(size);
  std::sort(cuts.begin(), cuts.end());
  Decoded out;
  w::FrameDecoder decoder(max_frame);
  size_t from = 0;
  try {
    for (size_t cut : cuts) {
      cut = std::min(cut, size);
      if (cut < from)
        continue;
      decoder.feed(data + from, cut - from);
      from = cut;
      while (std::optional<Json> m = decoder.next())
        out.messages.push_back(std::move(*m));
    }
    out.buffered = decoder.buffered();
  } catch (const w::FrameError &) {
    out.failed = true;
    // A failed stream stays failed.
    bool next_throws = false, feed_throws = false;
    try {
      decoder.next();
    } catch (const w::FrameError &) {
      next_throws = true;
    }
    try {
      decoder.feed("x", 1);
    } catch (const w::FrameError &) {
      feed_throws = true;
    }
    if (!next_throws || !feed_throws)
      finding("a decoder that failed accepted more input");
  }
  return out;
}

void same(const Decoded &a, const Decoded &b, const char *how) {
  if (a.failed != b.failed)
    finding(std::string("fed ") + how + " the stream " + (b.failed ? "fails" : "decodes") +
            "; fed whole it " + (a.failed ? "fails" : "decodes"));
  if (a.messages != b.messages)
    finding(std::string("fed ") + how + " the stream gives other messages than fed whole");
  if (!a.failed && a.buffered != b.buffered)
    finding(std::string("fed ") + how + " the decoder holds another number of bytes");
}

template <class F> void expect_frame_error_only(F &&f) {
  try {
    f();
  } catch (const w::FrameError &) {
  }
}

// What the worker (hello, trial) and the host (log, report, progress, result, error) read
// from a message, whatever its type: each parser must answer with a value or a FrameError.
void read_fields(const Json &m) {
  (void)w::type_of(m);
  expect_frame_error_only([&] {
    w::Hello h = w::hello_from_json(m);
    Json again = w::to_json(w::hello_from_json(w::hello_message(h)));
    if (again != w::to_json(h))
      finding("a hello message changes when encoded and read again");
  });
  expect_frame_error_only([&] {
    nas::core::TrialJob job = w::job_from_json(w::field<Json>(m, "trial", "trial message"));
    Json again = w::to_json(w::job_from_json(w::to_json(job)));
    if (again != w::to_json(job))
      finding("a trial message changes when encoded and read again");
  });
  expect_frame_error_only([&] {
    nas::core::TrialOutcome o = w::outcome_from_json(w::field<Json>(m, "outcome", "result"));
    Json again = w::to_json(w::outcome_from_json(w::to_json(o)));
    if (again.dump() != w::to_json(o).dump())
      finding("a result message changes when encoded and read again");
  });
  expect_frame_error_only([&] {
    int level = std::clamp(w::field<int>(m, "level", "log message"), 0, 6);
    (void)level;
    (void)w::field<std::string>(m, "message", "log message");
  });
  expect_frame_error_only([&] {
    (void)w::field<int64_t>(m, "trial", "report message");
    (void)w::field<std::string>(m, "path", "report message");
    (void)w::field<int64_t>(m, "step", "report message");
    (void)w::field<std::string>(m, "json", "report message");
  });
  expect_frame_error_only([&] {
    (void)w::field<std::string>(m, "path", "progress message");
    (void)w::field<double>(m, "done", "progress message");
    (void)w::field<double>(m, "total", "progress message");
    (void)w::field<std::string>(m, "message", "progress message");
  });
  expect_frame_error_only([&] { (void)w::field<int>(m, "pid", "ready message"); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  const char *data = reinterpret_cast<const char *>(bytes);
  try {
    Decoded whole = decode(data, size, {});

    std::vector<size_t> each;
    for (size_t i = 1; i < size && size <= 8192; ++i)
      each.push_back(i);
    same(whole, decode(data, size, each), "one byte at a time");

    // Three cuts from a hash of the input (FNV-1a), and cuts around each length prefix.
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; ++i)
      h = (h ^ bytes[i]) * 1099511628211ull;
    std::vector<size_t> cuts;
    for (int k = 0; k < 3 && size > 0; ++k, h = h * 6364136223846793005ull + 1)
      cuts.push_back(static_cast<size_t>(h >> 33) % size);
    same(whole, decode(data, size, cuts), "in pieces");
    cuts.clear();
    for (size_t at = 0; at + 4 <= size && cuts.size() < 64;) {
      cuts.push_back(at + 2);
      cuts.push_back(at + 4);
      size_t length = size_t{bytes[at]} | size_t{bytes[at + 1]} << 8 |
                      size_t{bytes[at + 2]} << 16 | size_t{bytes[at + 3]} << 24;
      if (length > size)
        break;
      at += 4 + length;
      cuts.push_back(at);
    }
    same(whole, decode(data, size, cuts), "cut at frame edges");

    // A small limit: frames over it are refused, nothing else changes.
    (void)decode(data, size, cuts, 16);

    for (const Json &m : whole.messages) {
      std::string frame = w::encode_frame(m);
      Decoded again = decode(frame.data(), frame.size(), {});
      if (again.failed || again.messages.size() != 1 || again.messages[0].dump() != m.dump())
        finding("a decoded message does not survive encode_frame and decoding: " + m.dump());
      read_fields(m);
    }
  } catch (const w::FrameError &e) {
    finding(std::string("a FrameError escaped where none was expected: ") + e.what());
  } catch (const std::exception &e) {
    finding(std::string("an exception that is not a FrameError escaped: ") + e.what());
  }
  return 0;
}
