// CIFAR-10 binary reader on small batch files the test writes.
#include <filesystem>

#include <gtest/gtest.h>

#include "data_files.hpp"
#include "nas/data/cifar10.hpp"
#include "nas/data/dataset.hpp"
#include "nas/data/error.hpp"
#include "run_nas.hpp"

using namespace nas::data;
using namespace nas::test;

namespace {

std::string error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const DataError &e) {
    return e.what();
  }
  return "(no DataError)";
}

// data_batch_b.bin holds labels {b-1, b}; test_batch.bin {9, 0, 4}.
void write_cifar_folder(const std::filesystem::path &dir) {
  std::filesystem::create_directories(dir);
  for (uint8_t b = 1; b <= 5; ++b)
    write_plain((dir / ("data_batch_" + std::to_string(b) + ".bin")).string(),
                cifar_batch({static_cast<uint8_t>(b - 1), b}, b));
  write_plain((dir / "test_batch.bin").string(), cifar_batch({9, 0, 4}, 6));
}

} // namespace

TEST(Cifar10, ReadsRecordsAsLabelsAndChwPixels) {
  TempDir dir;
  const std::string path = write_plain(dir / "batch.bin", cifar_batch({7, 2, 9}, 1));
  const ImageSet set = read_cifar10_batch(path);
  EXPECT_EQ(set.count, 3);
  EXPECT_EQ(set.channels, 3);
  EXPECT_EQ(set.height, 32);
  EXPECT_EQ(set.width, 32);
  EXPECT_EQ(set.num_classes, 10);
  EXPECT_EQ(set.labels, (Bytes{7, 2, 9}));
  for (int64_t i = 0; i < 3; ++i) {
    const Bytes expected = pattern(3072, 100 + static_cast<uint32_t>(i));
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), set.image(i))) << "image " << i;
  }
}

TEST(Cifar10, LoadsTrainAndTestFromAFolder) {
  TempDir dir;
  write_cifar_folder(dir.path());
  const Dataset data = load_dataset("cifar10", dir.path().string());
  EXPECT_EQ(data.train.count, 10);
  EXPECT_EQ(data.train.labels, (Bytes{0, 1, 1, 2, 2, 3, 3, 4, 4, 5}));
  EXPECT_EQ(data.test.labels, (Bytes{9, 0, 4}));
  // Batches are concatenated in order: image 2 is the first of data_batch_2.bin.
  const Bytes first_of_batch2 = pattern(3072, 200);
  EXPECT_TRUE(std::equal(first_of_batch2.begin(), first_of_batch2.end(), data.train.image(2)));
  ASSERT_EQ(data.stats.mean.size(), 3u);
  ASSERT_EQ(data.stats.std.size(), 3u);
  for (int c = 0; c < 3; ++c) {
    EXPECT_GT(data.stats.mean[c], 0.f);
    EXPECT_LT(data.stats.mean[c], 1.f);
    EXPECT_GT(data.stats.std[c], 0.f);
  }
  // The folder the archive unpacks to is found from its parent too.
  TempDir parent;
  write_cifar_folder(parent.path() / "cifar-10-batches-bin");
  EXPECT_EQ(load_dataset("cifar10", parent.path().string()).train.count, 10);
}

TEST(Cifar10, WrongSizeIsAnErrorNamingThePath) {
  TempDir dir;
  Bytes bytes = cifar_batch({1, 2}, 1);
  bytes.resize(bytes.size() + 5);
  const std::string path = write_plain(dir / "data_batch_1.bin", bytes);
  const std::string message = error_of([&] { read_cifar10_batch(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("multiple of 3073 bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("found 6151"), std::string::npos) << message;
  const std::string empty = write_plain(dir / "empty.bin", {});
  EXPECT_NE(error_of([&] { read_cifar10_batch(empty); }).find("found 0"), std::string::npos);
}

TEST(Cifar10, MissingBatchOrBadLabelIsAnError) {
  TempDir dir;
  write_cifar_folder(dir.path());
  std::filesystem::remove(dir.path() / "data_batch_4.bin");
  std::string message = error_of([&] { load_dataset("cifar10", dir.path().string()); });
  EXPECT_NE(message.find("data_batch_4.bin: no such file"), std::string::npos) << message;

  const std::string bad = write_plain(dir / "bad.bin", cifar_batch({1, 10}, 1));
  message = error_of([&] { read_cifar10_batch(bad); });
  EXPECT_NE(message.find(bad + ": label of image 1 is 10, expected 0..9"), std::string::npos)
      << message;
  EXPECT_THROW(load_dataset("cifar10"), std::invalid_argument); // root is required
}
