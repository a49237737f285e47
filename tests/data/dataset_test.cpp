// Datasets by name: the real Fashion-MNIST package files, MNIST-style folders the test
// writes, and the errors for unknown names and missing roots.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "data_files.hpp"
#include "nas/data/dataset.hpp"
#include "nas/data/error.hpp"
#include "run_nas.hpp"

using namespace nas::data;
using namespace nas::test;

namespace {

void expect_fashion_mnist_shape(const ImageSet &set, int64_t count) {
  EXPECT_EQ(set.count, count);
  EXPECT_EQ(set.channels, 1);
  EXPECT_EQ(set.height, 28);
  EXPECT_EQ(set.width, 28);
  EXPECT_EQ(set.pixels.size(), static_cast<size_t>(count * 28 * 28));
  ASSERT_EQ(set.labels.size(), static_cast<size_t>(count));
  const std::set<int> classes(set.labels.begin(), set.labels.end());
  EXPECT_EQ(classes.size(), 10u) << "every class appears";
  EXPECT_EQ(*classes.begin(), 0);
  EXPECT_EQ(*classes.rbegin(), 9);
}

} // namespace

TEST(Dataset, ReadsTheInstalledFashionMnist) {
  if (!std::filesystem::exists(std::string(kFashionMnistRoot) + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed at " << kFashionMnistRoot;
  const Dataset data = load_dataset("fashion-mnist");
  EXPECT_EQ(data.name, "fashion-mnist");
  expect_fashion_mnist_shape(data.train, 60000);
  expect_fashion_mnist_shape(data.test, 10000);
  EXPECT_NE(data.train.pixels, data.test.pixels);
  // Normalization statistics of dark clothes on a black background.
  ASSERT_EQ(data.stats.mean.size(), 1u);
  EXPECT_GT(data.stats.mean[0], 0.1f);
  EXPECT_LT(data.stats.mean[0], 0.5f);
  EXPECT_GT(data.stats.std[0], 0.1f);
  EXPECT_LT(data.stats.std[0], 0.5f);
}

TEST(Dataset, ReadsAnMnistFolderOfPlainOrGzipFiles) {
  TempDir dir;
  const Bytes train_px = pattern(4 * 28 * 28, 1), test_px = pattern(2 * 28 * 28, 2);
  write_plain(dir / "train-images-idx3-ubyte", idx_images(4, 28, 28, train_px));
  write_gz(dir / "train-labels-idx1-ubyte.gz", idx_labels({5, 0, 4, 1}));
  write_gz(dir / "t10k-images-idx3-ubyte.gz", idx_images(2, 28, 28, test_px));
  write_plain(dir / "t10k-labels-idx1-ubyte", idx_labels({7, 2}));
  const Dataset data = load_dataset("mnist", dir.path().string());
  EXPECT_EQ(data.train.pixels, train_px);
  EXPECT_EQ(data.train.labels, (Bytes{5, 0, 4, 1}));
  EXPECT_EQ(data.test.pixels, test_px);
  EXPECT_EQ(data.test.labels, (Bytes{7, 2}));
  EXPECT_EQ(data.stats.mean, channel_stats(data.train).mean);
}

TEST(Dataset, MnistFilesMustBe28x28AndPresent) {
  TempDir dir;
  write_plain(dir / "train-images-idx3-ubyte", idx_images(1, 32, 32, pattern(32 * 32)));
  write_plain(dir / "train-labels-idx1-ubyte", idx_labels({1}));
  try {
    load_dataset("mnist", dir.path().string());
    FAIL() << "expected a DataError";
  } catch (const DataError &e) {
    EXPECT_NE(std::string(e.what()).find("expected 28x28 images, found 32x32"), std::string::npos)
        << e.what();
  }
  TempDir empty;
  try {
    load_dataset("mnist", empty.path().string());
    FAIL() << "expected a DataError";
  } catch (const DataError &e) {
    EXPECT_NE(std::string(e.what()).find(empty / "train-images-idx3-ubyte.gz"), std::string::npos)
        << e.what();
  }
}

TEST(Dataset, UnknownNameOrMissingRootIsAnError) {
  try {
    load_dataset("imagenet", "/tmp");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("fashion-mnist, mnist, cifar10"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load_dataset("mnist"), std::invalid_argument);
}
