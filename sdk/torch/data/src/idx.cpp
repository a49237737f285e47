#include "nas/data/idx.hpp"

#include <cstdio>
#include <stdexcept>

#include "gz_reader.hpp"
#include "nas/data/error.hpp"

namespace nas::data {

namespace {

// Larger sides than this are a corrupt header, not an image.
constexpr int64_t kMaxSide = 4096;

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string truncated_header(detail::GzReader &in, size_t bytes, size_t got) {
  return "truncated: expected a " + std::to_string(bytes) + "-byte IDX header, found " +
         std::to_string(got) + " bytes" + in.note();
}

// Reads the fixed-size header, checking the magic number before the rest so a file of the
// wrong kind is reported as such even when it is shorter than the header.
std::vector<uint8_t> read_header(detail::GzReader &in, size_t bytes, uint32_t magic,
                                 const char *kind) {
  std::vector<uint8_t> header(bytes);
  size_t got = in.read(header.data(), 4);
  if (got < 4)
    throw DataError(in.path(), truncated_header(in, bytes, got));
  const uint32_t found = detail::read_be32(header.data());
  if (found != magic) {
    std::string hint;
    if (found == kIdxLabelsMagic)
      hint = " (an IDX labels file)";
    else if (found == kIdxImagesMagic)
      hint = " (an IDX images file)";
    else if ((found >> 8) == 0x08)
      hint = " (IDX unsigned bytes with " + std::to_string(found & 0xff) + " dimensions)";
    throw DataError(in.path(), "expected magic number " + hex32(magic) + " (" + kind +
                                   "), found " + hex32(found) + hint);
  }
  got += in.read(header.data() + 4, bytes - 4);
  if (got < bytes)
    throw DataError(in.path(), truncated_header(in, bytes, got));
  return header;
}

} // namespace

IdxImages read_idx_images(const std::string &path) {
  detail::GzReader in(path);
  const auto header =
      read_header(in, 16, kIdxImagesMagic, "IDX images: unsigned bytes, 3 dimensions");
  IdxImages images;
  images.count = detail::read_be32(header.data() + 4);
  images.rows = detail::read_be32(header.data() + 8);
  images.cols = detail::read_be32(header.data() + 12);
  if (images.count == 0)
    throw DataError(path, "expected at least one image, found a count of 0");
  if (images.rows < 1 || images.rows > kMaxSide || images.cols < 1 || images.cols > kMaxSide)
    throw DataError(path, "expected image dimensions between 1x1 and " +
                              std::to_string(kMaxSide) + "x" + std::to_string(kMaxSide) +
                              ", found " + std::to_string(images.rows) + "x" +
                              std::to_string(images.cols));
  images.pixels =
      in.read_body(static_cast<size_t>(images.count * images.rows * images.cols), "pixels");
  return images;
}

std::vector<uint8_t> read_idx_labels(const std::string &path) {
  detail::GzReader in(path);
  const auto header = read_header(in, 8, kIdxLabelsMagic, "IDX labels: unsigned bytes, 1 dimension");
  const int64_t count = detail::read_be32(header.data() + 4);
  if (count == 0)
    throw DataError(path, "expected at least one label, found a count of 0");
  return in.read_body(static_cast<size_t>(count), "labels");
}

ImageSet read_idx(const std::string &images_path, const std::string &labels_path,
                  int num_classes) {
  if (num_classes < 1 || num_classes > 256)
    throw std::invalid_argument("read_idx: num_classes must be in 1..256, got " +
                                std::to_string(num_classes));
  IdxImages images = read_idx_images(images_path);
  std::vector<uint8_t> labels = read_idx_labels(labels_path);
  if (static_cast<int64_t>(labels.size()) != images.count)
    throw DataError(images_path, "expected as many images as " + labels_path + " has labels (" +
                                     std::to_string(labels.size()) + "), found " +
                                     std::to_string(images.count));
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= num_classes)
      throw DataError(labels_path, "label " + std::to_string(i) + " is " +
                                       std::to_string(labels[i]) + ", expected 0.." +
                                       std::to_string(num_classes - 1));
  ImageSet set;
  set.count = images.count;
  set.channels = 1;
  set.height = images.rows;
  set.width = images.cols;
  set.pixels = std::move(images.pixels);
  set.labels = std::move(labels);
  set.num_classes = num_classes;
  return set;
}

} // namespace nas::data
