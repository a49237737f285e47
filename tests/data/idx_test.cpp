// IDX reader: gzip and plain files agree, and every malformed file is a DataError that names
// the path and says what was expected and found.
#include <functional>
#include <initializer_list>

#include <gtest/gtest.h>

#include "data_files.hpp"
#include "nas/data/error.hpp"
#include "nas/data/idx.hpp"
#include "run_nas.hpp"

using namespace nas::data;
using namespace nas::test;

namespace {

// Runs `f`, expects a DataError whose message holds every one of `parts`.
void expect_error(const std::function<void()> &f, std::initializer_list<std::string> parts) {
  try {
    f();
    FAIL() << "expected a DataError";
  } catch (const DataError &e) {
    const std::string message = e.what();
    for (const auto &part : parts)
      EXPECT_NE(message.find(part), std::string::npos)
          << "message \"" << message << "\" lacks \"" << part << "\"";
  }
}

struct SmallIdx {
  static constexpr uint32_t kCount = 6, kRows = 5, kCols = 7;
  Bytes pixels = pattern(kCount * kRows * kCols);
  Bytes labels = {3, 0, 9, 1, 1, 7};
  Bytes images_file() const { return idx_images(kCount, kRows, kCols, pixels); }
  Bytes labels_file() const { return idx_labels(labels); }
};

} // namespace

TEST(Idx, GzipAndPlainFilesGiveTheSameData) {
  TempDir dir;
  SmallIdx idx;
  const ImageSet plain = read_idx(write_plain(dir / "img", idx.images_file()),
                                  write_plain(dir / "lbl", idx.labels_file()));
  const ImageSet gz = read_idx(write_gz(dir / "img.gz", idx.images_file()),
                               write_gz(dir / "lbl.gz", idx.labels_file()));
  for (const ImageSet *set : {&plain, &gz}) {
    EXPECT_EQ(set->count, SmallIdx::kCount);
    EXPECT_EQ(set->channels, 1);
    EXPECT_EQ(set->height, SmallIdx::kRows);
    EXPECT_EQ(set->width, SmallIdx::kCols);
    EXPECT_EQ(set->num_classes, 10);
    EXPECT_EQ(set->pixels, idx.pixels);
    EXPECT_EQ(set->labels, idx.labels);
  }
  // The gzip file really is compressed (not a plain copy with a .gz name).
  EXPECT_EQ(read_all(dir / "img.gz").at(0), 0x1f);
}

TEST(Idx, WrongMagicIsAnErrorNamingBothNumbers) {
  TempDir dir;
  SmallIdx idx;
  // A labels file given as images, and the other way round.
  const std::string labels = write_gz(dir / "labels.gz", idx.labels_file());
  expect_error([&] { read_idx_images(labels); },
               {labels, "expected magic number 0x00000803", "found 0x00000801", "labels file"});
  const std::string images = write_plain(dir / "images", idx.images_file());
  expect_error([&] { read_idx_labels(images); },
               {images, "expected magic number 0x00000801", "found 0x00000803"});
  // Not an IDX file at all.
  const std::string text = write_plain(dir / "text", Bytes(64, 'x'));
  expect_error([&] { read_idx_images(text); }, {text, "found 0x78787878"});
}

TEST(Idx, WrongDimensionsAreErrors) {
  TempDir dir;
  SmallIdx idx;
  // Two dimensions declared in the magic number.
  const std::string two_dims = write_plain(
      dir / "two", idx_images(SmallIdx::kCount, SmallIdx::kRows, SmallIdx::kCols, idx.pixels, 0x802));
  expect_error([&] { read_idx_images(two_dims); }, {two_dims, "found 0x00000802", "2 dimensions"});
  // A zero side, and an absurd one.
  const std::string zero_rows = write_plain(dir / "zero", idx_images(6, 0, 7, {}));
  expect_error([&] { read_idx_images(zero_rows); }, {zero_rows, "found 0x7"});
  const std::string huge = write_gz(dir / "huge.gz", idx_images(1, 1u << 20, 7, {}));
  expect_error([&] { read_idx_images(huge); }, {huge, "found 1048576x7"});
  const std::string empty = write_plain(dir / "empty", idx_images(0, 28, 28, {}));
  expect_error([&] { read_idx_images(empty); }, {empty, "found a count of 0"});
}

TEST(Idx, TruncatedFilesSayHowManyBytesWereExpectedAndFound) {
  TempDir dir;
  // The header promises 10 28x28 images; the body holds 1000 bytes.
  const Bytes short_file = idx_images(10, 28, 28, pattern(1000));
  for (const std::string &path : {write_plain(dir / "short", short_file),
                                  write_gz(dir / "short.gz", short_file)})
    expect_error([&] { read_idx_images(path); },
                 {path, "truncated: expected 7840 bytes of pixels after the header, found 1000"});

  // A gzip file cut in the middle of its compressed stream.
  const Bytes full = idx_images(10, 28, 28, pattern(7840));
  const Bytes compressed = read_all(write_gz(dir / "full.gz", full));
  const std::string cut = write_plain(
      dir / "cut.gz", Bytes(compressed.begin(), compressed.begin() + compressed.size() / 2));
  expect_error([&] { read_idx_images(cut); },
               {cut, "truncated: expected 7840 bytes of pixels", "gzip stream ends early"});

  // A header cut short, and labels cut short.
  const std::string header = write_plain(dir / "header", Bytes(full.begin(), full.begin() + 10));
  expect_error([&] { read_idx_images(header); },
               {header, "expected a 16-byte IDX header, found 10 bytes"});
  Bytes labels = idx_labels({1, 2, 3, 4});
  labels.pop_back();
  const std::string short_labels = write_gz(dir / "labels.gz", labels);
  expect_error([&] { read_idx_labels(short_labels); },
               {short_labels, "expected 4 bytes of labels after the header, found 3"});
}

TEST(Idx, TrailingBytesAreAnError) {
  TempDir dir;
  Bytes file = idx_labels({1, 2, 3});
  file.push_back(4);
  const std::string path = write_plain(dir / "labels", file);
  expect_error([&] { read_idx_labels(path); }, {path, "expected 3 bytes of labels", "found more"});
}

TEST(Idx, CorruptGzipDataIsAnError) {
  TempDir dir;
  Bytes compressed = read_all(write_gz(dir / "ok.gz", idx_images(10, 28, 28, pattern(7840))));
  for (size_t i = 20; i + 8 < compressed.size(); i += 3)
    compressed[i] ^= 0x5a;
  const std::string path = write_plain(dir / "bad.gz", compressed);
  try {
    read_idx_images(path);
    FAIL() << "expected a DataError";
  } catch (const DataError &e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find(path, 1), std::string::npos) << "path named once: " << message;
  }
}

TEST(Idx, MissingFileIsAnErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir / "no-such-file.gz";
  expect_error([&] { read_idx_labels(path); }, {path, "no such file"});
  expect_error([&] { read_idx_images(dir.path().string()); }, {"is a folder"});
}

TEST(Idx, ImageAndLabelCountsMustAgree) {
  TempDir dir;
  SmallIdx idx;
  const std::string images = write_gz(dir / "img.gz", idx.images_file());
  const std::string labels = write_gz(dir / "lbl.gz", idx_labels({1, 2, 3, 4, 5}));
  expect_error([&] { read_idx(images, labels); },
               {images, labels, "labels (5)", "found 6"});
}

TEST(Idx, LabelsOutOfRangeAreErrors) {
  TempDir dir;
  SmallIdx idx;
  const std::string images = write_plain(dir / "img", idx.images_file());
  const std::string labels = write_plain(dir / "lbl", idx_labels({0, 1, 2, 10, 4, 5}));
  expect_error([&] { read_idx(images, labels); }, {labels, "label 3 is 10, expected 0..9"});
  // The same labels are fine with 11 classes.
  EXPECT_EQ(read_idx(images, labels, 11).labels[3], 10);
  EXPECT_THROW(read_idx(images, labels, 0), std::invalid_argument);
}
