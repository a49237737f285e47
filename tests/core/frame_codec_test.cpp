// The worker wire format: frames round-trip, arrive in pieces, and garbage is refused with
// a FrameError (never another exception, never a crash); the messages' JSON forms.
#include "worker/frame_codec.hpp"
#include "worker/messages.hpp"

#include <gtest/gtest.h>

#include <nas/abi.h>

#include <random>

namespace {

using nas::core::Json;
using nas::core::TrialJob;
using nas::core::TrialOutcome;
using nas::core::worker::encode_frame;
using nas::core::worker::FrameDecoder;
using nas::core::worker::FrameError;
using namespace nas::core::worker;

std::string le32(uint32_t n) {
  std::string s;
  for (int shift = 0; shift < 32; shift += 8)
    s += static_cast<char>((n >> shift) & 0xff);
  return s;
}

std::string frame_of(const std::string &payload) {
  return le32(static_cast<uint32_t>(payload.size())) + payload;
}

// Feeds `bytes` whole and expects the decoder to refuse them with `words` in the message.
void expect_refused(const std::string &bytes, const std::string &words) {
  FrameDecoder d;
  d.feed(bytes.data(), bytes.size());
  try {
    d.next();
    FAIL() << "accepted; expected an error with \"" << words << "\"";
  } catch (const FrameError &e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
  // The stream cannot be trusted after garbage: the decoder stays failed.
  EXPECT_THROW(d.next(), FrameError);
  EXPECT_THROW(d.feed("x", 1), FrameError);
}

TEST(FrameCodec, RoundTrip) {
  Json m = {{"type", "trial"}, {"n", 3}, {"text", "ü → ∞"}, {"list", {1, 2.5, nullptr}}};
  std::string f = encode_frame(m);
  ASSERT_GE(f.size(), 4u);
  EXPECT_EQ(f.substr(0, 4), le32(static_cast<uint32_t>(f.size() - 4))); // little-endian length
  FrameDecoder d;
  d.feed(f.data(), f.size());
  auto out = d.next();
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, m);
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(FrameCodec, SeveralFramesInOneRead) {
  std::string bytes;
  for (int i = 0; i < 5; ++i)
    bytes += encode_frame({{"type", "log"}, {"i", i}});
  FrameDecoder d;
  d.feed(bytes.data(), bytes.size());
  for (int i = 0; i < 5; ++i) {
    auto m = d.next();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["i"], i);
  }
  EXPECT_FALSE(d.next());
}

TEST(FrameCodec, ByteByByte) {
  std::string bytes =
      encode_frame({{"type", "a"}, {"x", std::string(300, 'x')}}) + encode_frame({{"type", "b"}});
  FrameDecoder d;
  std::vector<std::string> types;
  for (char c : bytes) {
    d.feed(&c, 1);
    while (auto m = d.next())
      types.push_back((*m)["type"]);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(FrameCodec, PartialFramesWaitForTheRest) {
  std::string f = encode_frame({{"type", "result"}, {"v", 1}});
  FrameDecoder d;
  d.feed(f.data(), 2); // half a length
  EXPECT_FALSE(d.next());
  d.feed(f.data() + 2, 4); // the length and two payload bytes
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 6u);
  d.feed(f.data() + 6, f.size() - 6);
  auto m = d.next();
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["type"], "result");
}

TEST(FrameCodec, ManyFramesKeepTheBufferSmall) {
  FrameDecoder d;
  std::string f = encode_frame({{"type", "log"}, {"message", std::string(4096, 'm')}});
  for (int i = 0; i < 2000; ++i) { // 8 MiB through the decoder
    d.feed(f.data(), f.size());
    ASSERT_TRUE(d.next());
  }
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(FrameCodec, OversizedLengthIsRefusedBeforeThePayload) {
  expect_refused(le32(0x7fffffff) + "junk", "over the limit");
  expect_refused(le32(0xffffffff), "over the limit");
  FrameDecoder small(16);
  std::string f = frame_of(R"({"type":"x","pad":"0123456789"})");
  small.feed(f.data(), 4);
  EXPECT_THROW(small.next(), FrameError);
}

TEST(FrameCodec, InvalidJsonIsRefused) {
  expect_refused(frame_of("{\"type\": \"x\""), "not JSON");
  expect_refused(frame_of("hello"), "not JSON");
  expect_refused(frame_of(""), "not JSON");
  expect_refused(frame_of(std::string("{\"type\":\"\xff\xfe\"}")), "not JSON"); // bad UTF-8
  expect_refused(frame_of("{\"type\":\"x\"} trailing"), "not JSON");
}

TEST(FrameCodec, PayloadMustBeAnObjectWithAType) {
  expect_refused(frame_of("[1,2,3]"), "not an object");
  expect_refused(frame_of("42"), "not an object");
  expect_refused(frame_of("\"type\""), "not an object");
  expect_refused(frame_of("{}"), "no string \"type\"");
  expect_refused(frame_of("{\"type\": 7}"), "no string \"type\"");
  expect_refused(frame_of("{\"kind\": \"trial\"}"), "no string \"type\"");
}

TEST(FrameCodec, DeepNestingIsRefused) {
  std::string deep =
      "{\"type\":\"x\",\"v\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  expect_refused(frame_of(deep), "nested deeper");
  std::string fine = "{\"type\":\"x\",\"v\":" + std::string(50, '[') + std::string(50, ']') + "}";
  FrameDecoder d;
  std::string f = frame_of(fine);
  d.feed(f.data(), f.size());
  EXPECT_TRUE(d.next());
}

TEST(FrameCodec, EncodeRefusesWhatCannotBeDecoded) {
  EXPECT_THROW(encode_frame(Json::array()), FrameError);
  EXPECT_THROW(encode_frame({{"no_type", 1}}), FrameError);
  EXPECT_THROW(encode_frame({{"type", 1}}), FrameError);
  // Invalid UTF-8 in a plugin's message is replaced, not a reason to fail.
  std::string f = encode_frame({{"type", "error"}, {"message", std::string("bad \xff byte")}});
  FrameDecoder d;
  d.feed(f.data(), f.size());
  auto m = d.next();
  ASSERT_TRUE(m);
  EXPECT_NE((*m)["message"].get<std::string>().find("bad "), std::string::npos);
}

// A small fuzz: random bytes, and valid frames with random bytes changed, only ever give
// messages or FrameError.
TEST(FrameCodec, RandomBytesOnlyEverGiveFrameErrors) {
  std::mt19937_64 rng(12345);
  std::string valid =
      encode_frame({{"type", "result"}, {"outcome", {{"id", 1}, {"metrics", {{"a", 1.5}}}}}});
  for (int round = 0; round < 3000; ++round) {
    std::string bytes;
    if (round % 2) {
      bytes.resize(rng() % 64);
      for (char &c : bytes)
        c = static_cast<char>(rng());
    } else {
      bytes = valid;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    FrameDecoder d(1 << 16);
    try {
      size_t at = 0;
      while (at < bytes.size()) {
        size_t n = std::min<size_t>(bytes.size() - at, 1 + rng() % 16);
        d.feed(bytes.data() + at, n);
        at += n;
        while (auto m = d.next())
          ASSERT_TRUE(m->is_object() && (*m)["type"].is_string());
      }
    } catch (const FrameError &) {
    }
  }
}

TEST(Messages, TrialJobRoundTrip) {
  TrialJob job;
  job.id = 42;
  job.choices = {0, 4, -1, 2147483647};
  job.canonical = "|nor_conv_3x3~0|+|none~0|";
  job.ir_json = R"({"cells": [1, 2]})";
  job.fidelity = 0.1 + 0.2; // not representable in few digits: must survive exactly
  job.seed = 18446744073709551615ull;
  job.repeat = 3;
  job.artifact_dir = "/tmp/run/trials/42";
  job.resume_from = "/tmp/run/trials/7";
  job.tag = "rung=2 ü";
  std::string f = encode_frame(trial_message(job));
  FrameDecoder d;
  d.feed(f.data(), f.size());
  auto m = d.next();
  ASSERT_TRUE(m);
  EXPECT_EQ(type_of(*m), "trial");
  TrialJob back = job_from_json((*m)["trial"]);
  EXPECT_EQ(back.id, job.id);
  EXPECT_EQ(back.choices, job.choices);
  EXPECT_EQ(back.canonical, job.canonical);
  EXPECT_EQ(back.ir_json, job.ir_json);
  EXPECT_EQ(back.fidelity, job.fidelity);
  EXPECT_EQ(back.seed, job.seed);
  EXPECT_EQ(back.repeat, job.repeat);
  EXPECT_EQ(back.artifact_dir, job.artifact_dir);
  EXPECT_EQ(back.resume_from, job.resume_from);
  EXPECT_EQ(back.tag, job.tag);
}

TEST(Messages, TrialOutcomeRoundTrip) {
  TrialOutcome o;
  o.id = 9;
  o.status = NAS_TRIAL_OOM;
  o.metrics = {{"valid_accuracy", 91.00399999999999}, {"curve", {1, 2, 3}}};
  o.error = "out of memory";
  o.started = 1764280000.123456;
  o.ended = 1764280001.654321;
  o.worker = 2;
  std::string f = encode_frame(result_message(o));
  FrameDecoder d;
  d.feed(f.data(), f.size());
  auto m = d.next();
  ASSERT_TRUE(m);
  TrialOutcome back = outcome_from_json((*m)["outcome"]);
  EXPECT_EQ(back.id, o.id);
  EXPECT_EQ(back.status, o.status);
  EXPECT_EQ(back.metrics, o.metrics);
  EXPECT_EQ(back.error, o.error);
  EXPECT_EQ(back.started, o.started);
  EXPECT_EQ(back.ended, o.ended);
  EXPECT_EQ(back.worker, 0); // the host fills in who answered
}

TEST(Messages, HelloRoundTrip) {
  Hello h;
  h.worker = 3;
  h.pipeline_file = "/p/x.toml";
  h.pipeline_text = "[space]\nplugin = \"a\"\n";
  h.overrides = {"stage.0.budget.evaluations=3"};
  h.plugin_paths = {"/plugins"};
  h.stage = 1;
  h.seed = 1ull << 63;
  h.run_dir = "/runs/r";
  h.config_dir = "/p";
  h.threads = 4;
  h.log_level = 1;
  h.memory_limit = int64_t{2} << 30;
  h.memory_method = "rlimit";
  Hello back = hello_from_json(hello_message(h));
  EXPECT_EQ(to_json(back), to_json(h));
}

TEST(Messages, WrongFieldsNameTheField) {
  Json job = to_json(TrialJob{});
  job["choices"] = "not a list";
  try {
    job_from_json(job);
    FAIL();
  } catch (const FrameError &e) {
    EXPECT_NE(std::string(e.what()).find("\"choices\""), std::string::npos) << e.what();
  }
  Json outcome = to_json(TrialOutcome{});
  outcome.erase("status");
  EXPECT_THROW(outcome_from_json(outcome), FrameError);
  outcome = to_json(TrialOutcome{});
  outcome["metrics"] = Json::array();
  EXPECT_THROW(outcome_from_json(outcome), FrameError);
  job = to_json(TrialJob{});
  job["seed"] = -1;
  EXPECT_THROW(job_from_json(job), FrameError);
  EXPECT_THROW(job_from_json(Json(3)), FrameError);
  // Whole numbers must be integers in range: a float is never converted.
  for (auto [key, value] :
       std::vector<std::pair<std::string, Json>>{{"id", 1e300},
                                                 {"id", 2.5},
                                                 {"repeat", int64_t{1} << 40},
                                                 {"choices", {1.5}},
                                                 {"choices", {int64_t{1} << 33}},
                                                 {"seed", 1e19}}) {
    job = to_json(TrialJob{});
    job[key] = value;
    EXPECT_THROW(job_from_json(job), FrameError) << key << " = " << value.dump();
  }
}

} // namespace
