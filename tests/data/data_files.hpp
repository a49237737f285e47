// Test support for the data readers: IDX and CIFAR-10 files built byte by byte, written
// plain or gzipped.
#pragma once

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

namespace nas::test {

using Bytes = std::vector<uint8_t>;

inline void append_be32(Bytes &b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    b.push_back(static_cast<uint8_t>(v >> shift));
}

// An IDX images file: magic, count, rows, cols, then `pixels` as given.
inline Bytes idx_images(uint32_t count, uint32_t rows, uint32_t cols, const Bytes &pixels,
                        uint32_t magic = 0x00000803) {
  Bytes b;
  append_be32(b, magic);
  append_be32(b, count);
  append_be32(b, rows);
  append_be32(b, cols);
  b.insert(b.end(), pixels.begin(), pixels.end());
  return b;
}

inline Bytes idx_labels(const Bytes &labels, uint32_t magic = 0x00000801) {
  Bytes b;
  append_be32(b, magic);
  append_be32(b, static_cast<uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

// n bytes of a fixed, varied pattern (every value 0..255 turns up).
inline Bytes pattern(size_t n, uint32_t salt = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i)
    b[i] = static_cast<uint8_t>((i * 37 + salt * 11 + (i >> 8)) & 0xff);
  return b;
}

inline std::string write_plain(const std::string &path, const Bytes &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path);
  return path;
}

inline std::string write_gz(const std::string &path, const Bytes &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (f == nullptr || gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) !=
                          static_cast<int>(bytes.size()))
    throw std::runtime_error("cannot write " + path);
  gzclose(f);
  return path;
}

inline Bytes read_all(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A CIFAR-10 binary batch: per image one label byte then 3072 pixel bytes.
inline Bytes cifar_batch(const Bytes &labels, uint32_t salt) {
  Bytes b;
  for (size_t i = 0; i < labels.size(); ++i) {
    b.push_back(labels[i]);
    const Bytes px = pattern(3072, salt * 100 + static_cast<uint32_t>(i));
    b.insert(b.end(), px.begin(), px.end());
  }
  return b;
}

} // namespace nas::test
