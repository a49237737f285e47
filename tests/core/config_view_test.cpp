// ConfigView: the nas_config_t a plugin sees, over one JSON object.
#include "config_view.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using nas::core::ConfigView;
using nas::core::Json;

namespace {

Json sample() {
  Json j = Json::object();
  j["count"] = 3;
  j["rate"] = 2.5;
  j["flag"] = true;
  j["name"] = "hello";
  j["big"] = uint64_t{7};
  j["list"] = Json::array({10, Json({{"x", "deep"}, {"y", 1.5}}), Json::array({"a", "b"})});
  Json t = Json::object();
  t["zeta"] = 1; // insertion (file) order, not alphabetical
  t["alpha"] = 2;
  t["mid"] = Json({{"inner", false}});
  j["table"] = t;
  j["empty"] = Json::object();
  return j;
}

struct ViewTest : ::testing::Test {
  ConfigView view{sample()};
  const nas_config_t *c = view.raw();
};

} // namespace

TEST_F(ViewTest, HeaderFieldsAndJsonText) {
  EXPECT_EQ(c->struct_size, sizeof(nas_config_t));
  ASSERT_NE(c->json, nullptr);
  EXPECT_EQ(Json::parse(c->json), sample());
  EXPECT_EQ(view.json(), sample());
}

TEST_F(ViewTest, TypeOf) {
  EXPECT_EQ(c->type_of(c, "count"), NAS_VALUE_INT);
  EXPECT_EQ(c->type_of(c, "big"), NAS_VALUE_INT);
  EXPECT_EQ(c->type_of(c, "rate"), NAS_VALUE_DOUBLE);
  EXPECT_EQ(c->type_of(c, "flag"), NAS_VALUE_BOOL);
  EXPECT_EQ(c->type_of(c, "name"), NAS_VALUE_STRING);
  EXPECT_EQ(c->type_of(c, "list"), NAS_VALUE_ARRAY);
  EXPECT_EQ(c->type_of(c, "table"), NAS_VALUE_TABLE);
  EXPECT_EQ(c->type_of(c, "absent"), NAS_VALUE_NONE);
  EXPECT_EQ(c->type_of(c, "list[1].x"), NAS_VALUE_STRING);
  EXPECT_EQ(c->type_of(c, "list[2][1]"), NAS_VALUE_STRING);
  EXPECT_EQ(c->type_of(c, "table.mid.inner"), NAS_VALUE_BOOL);
}

TEST_F(ViewTest, Size) {
  EXPECT_EQ(c->size(c, "list"), 3u);
  EXPECT_EQ(c->size(c, "table"), 3u);
  EXPECT_EQ(c->size(c, "list[2]"), 2u);
  EXPECT_EQ(c->size(c, "empty"), 0u);
  EXPECT_EQ(c->size(c, "count"), 0u);
  EXPECT_EQ(c->size(c, "name"), 0u);
  EXPECT_EQ(c->size(c, "absent"), 0u);
}

TEST_F(ViewTest, TypedGetters) {
  int64_t i = 0;
  EXPECT_EQ(c->get_int(c, "count", &i), NAS_OK);
  EXPECT_EQ(i, 3);
  EXPECT_EQ(c->get_int(c, "big", &i), NAS_OK);
  EXPECT_EQ(i, 7);
  EXPECT_EQ(c->get_int(c, "list[0]", &i), NAS_OK);
  EXPECT_EQ(i, 10);
  i = 99;
  EXPECT_EQ(c->get_int(c, "rate", &i), NAS_ERR_TYPE); // no silent truncation
  EXPECT_EQ(c->get_int(c, "name", &i), NAS_ERR_TYPE);
  EXPECT_EQ(c->get_int(c, "absent", &i), NAS_ERR_NOT_FOUND);
  EXPECT_EQ(i, 99) << "a failed get leaves the output alone";

  double d = 0;
  EXPECT_EQ(c->get_double(c, "rate", &d), NAS_OK);
  EXPECT_DOUBLE_EQ(d, 2.5);
  EXPECT_EQ(c->get_double(c, "count", &d), NAS_OK); // an integer is a number
  EXPECT_DOUBLE_EQ(d, 3.0);
  EXPECT_EQ(c->get_double(c, "list[1].y", &d), NAS_OK);
  EXPECT_DOUBLE_EQ(d, 1.5);
  EXPECT_EQ(c->get_double(c, "flag", &d), NAS_ERR_TYPE);
  EXPECT_EQ(c->get_double(c, "nope", &d), NAS_ERR_NOT_FOUND);

  int32_t b = -1;
  EXPECT_EQ(c->get_bool(c, "flag", &b), NAS_OK);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(c->get_bool(c, "table.mid.inner", &b), NAS_OK);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(c->get_bool(c, "count", &b), NAS_ERR_TYPE);
  EXPECT_EQ(c->get_bool(c, "nope", &b), NAS_ERR_NOT_FOUND);

  char buf[32];
  size_t len = 0;
  EXPECT_EQ(c->get_string(c, "name", buf, sizeof buf, &len), NAS_OK);
  EXPECT_STREQ(buf, "hello");
  EXPECT_EQ(len, 5u);
  EXPECT_EQ(c->get_string(c, "list[1].x", buf, sizeof buf, &len), NAS_OK);
  EXPECT_STREQ(buf, "deep");
  EXPECT_EQ(c->get_string(c, "count", buf, sizeof buf, &len), NAS_ERR_TYPE);
  EXPECT_EQ(c->get_string(c, "nope", buf, sizeof buf, &len), NAS_ERR_NOT_FOUND);
}

TEST_F(ViewTest, PathsWithIndices) {
  EXPECT_NE(view.find("list[1].x"), nullptr);
  EXPECT_EQ(*view.find("list[2][0]"), "a");
  EXPECT_EQ(view.find("list[3]"), nullptr);    // out of range
  EXPECT_EQ(view.find("list[-1]"), nullptr);   // not an index
  EXPECT_EQ(view.find("list[x]"), nullptr);    // not a number
  EXPECT_EQ(view.find("list[1"), nullptr);     // unclosed
  EXPECT_EQ(view.find("count[0]"), nullptr);   // not an array
  EXPECT_EQ(view.find("table[0]"), nullptr);   // a table is not indexed
  EXPECT_EQ(view.find("list.x"), nullptr);     // an array has no keys
  EXPECT_EQ(view.find("count.x"), nullptr);
  EXPECT_EQ(view.find("table.zeta.x"), nullptr);
  EXPECT_EQ(*view.find("table.zeta"), 1);
  ASSERT_NE(view.find(""), nullptr); // the whole config
  EXPECT_TRUE(view.find("")->is_object());
}

TEST_F(ViewTest, KeyAtIsInFileOrder) {
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < c->size(c, "table"); ++i) {
    char buf[16];
    size_t len = 0;
    ASSERT_EQ(c->key_at(c, "table", i, buf, sizeof buf, &len), NAS_OK);
    EXPECT_EQ(len, std::strlen(buf));
    keys.emplace_back(buf);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));

  // The top level too, in insertion order.
  char buf[16];
  size_t len = 0;
  ASSERT_EQ(c->key_at(c, "", 0, buf, sizeof buf, &len), NAS_OK);
  EXPECT_STREQ(buf, "count");
  ASSERT_EQ(c->key_at(c, "", 5, buf, sizeof buf, &len), NAS_OK);
  EXPECT_STREQ(buf, "list");

  EXPECT_EQ(c->key_at(c, "table", 3, buf, sizeof buf, &len), NAS_ERR_NOT_FOUND);
  EXPECT_EQ(c->key_at(c, "list", 0, buf, sizeof buf, &len), NAS_ERR_NOT_FOUND); // not a table
  EXPECT_EQ(c->key_at(c, "absent", 0, buf, sizeof buf, &len), NAS_ERR_NOT_FOUND);
}

TEST_F(ViewTest, BufferTooSmallProtocol) {
  // get_string: too small (no room for the NUL) gives the length needed, without the NUL.
  char small[5];
  std::memset(small, '#', sizeof small);
  size_t len = 0;
  EXPECT_EQ(c->get_string(c, "name", small, sizeof small, &len), NAS_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 5u);
  EXPECT_EQ(small[0], '#') << "nothing is written into a buffer that is too small";
  // A null buffer asks for the size.
  len = 0;
  EXPECT_EQ(c->get_string(c, "name", nullptr, 0, &len), NAS_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 5u);
  // Exactly len + 1 bytes is enough.
  std::vector<char> exact(len + 1, '#');
  EXPECT_EQ(c->get_string(c, "name", exact.data(), exact.size(), &len), NAS_OK);
  EXPECT_STREQ(exact.data(), "hello");
  // A null len is allowed.
  char big[16];
  EXPECT_EQ(c->get_string(c, "name", big, sizeof big, nullptr), NAS_OK);
  EXPECT_STREQ(big, "hello");

  // key_at follows the same protocol.
  len = 0;
  EXPECT_EQ(c->key_at(c, "table", 1, small, 3, &len), NAS_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 5u); // "alpha"
  EXPECT_EQ(c->key_at(c, "table", 1, nullptr, 0, &len), NAS_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 5u);
  std::vector<char> key(len + 1);
  EXPECT_EQ(c->key_at(c, "table", 1, key.data(), key.size(), &len), NAS_OK);
  EXPECT_STREQ(key.data(), "alpha");
}

TEST(ConfigViewOwnership, ViewOwnsItsJson) {
  // The view copies what it is given; changing the original does not change it.
  Json original = {{"a", 1}};
  ConfigView view(original);
  original["a"] = 2;
  int64_t v = 0;
  ASSERT_EQ(view.raw()->get_int(view.raw(), "a", &v), NAS_OK);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(std::string(view.raw()->json), "{\"a\":1}");
}
