// A thread-safe cache of per-architecture values (path sets, networks), keyed by the choices,
// for distances that must render each architecture's IR. Sharded so that threads computing
// a distance matrix rarely wait on one another; a full shard is emptied (values are shared
// pointers, so a caller still holding one keeps it valid).
#ifndef NAS_PLUGINS_DISTANCES_COMMON_ARCH_CACHE_HPP
#define NAS_PLUGINS_DISTANCES_COMMON_ARCH_CACHE_HPP

#include <nas/plugin.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace nas::distances {

struct ChoicesHash {
  size_t operator()(const Choices &c) const {
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a over the values
    for (int32_t v : c)
      h = (h ^ static_cast<uint32_t>(v)) * 0x100000001b3ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

template <class Value> class ArchCache {
public:
  explicit ArchCache(size_t capacity = size_t{1} << 20) : per_shard_(capacity / kShards + 1) {}

  // The cached value of `key`, made by `make(key)` on a miss (outside the lock: two threads
  // may both make it; the first stored wins). [thread-safe]
  template <class Make> std::shared_ptr<const Value> get(const Choices &key, Make &&make) const {
    const size_t h = ChoicesHash{}(key);
    Shard &shard = shards_[(h >> 7) % kShards];
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      auto it = shard.map.find(key);
      if (it != shard.map.end())
        return it->second;
    }
    auto value = std::make_shared<const Value>(make(key));
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.map.size() >= per_shard_)
      shard.map.clear();
    return shard.map.emplace(key, std::move(value)).first->second;
  }

private:
  static constexpr size_t kShards = 32;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<Choices, std::shared_ptr<const Value>, ChoicesHash> map;
  };
  size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

} // namespace nas::distances

#endif
