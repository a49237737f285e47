// The built nas.distance.hamming through the C ABI, bound to the benchmark spaces: the
// distance, its one-hot features (nas.features/1) and when they are offered.
#include "plugin_harness.hpp"

#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::DistanceRef;
using nas::test::Harness;

struct SpaceCase {
  const char *name;
  uint32_t decisions, options;
};
void PrintTo(const SpaceCase &c, std::ostream *out) { *out << c.name; }

class HammingTest : public ::testing::TestWithParam<SpaceCase> {
protected:
  Choices random_arch(nas::Rng &rng) const {
    Choices c(GetParam().decisions);
    for (int32_t &v : c)
      v = static_cast<int32_t>(rng.below(GetParam().options));
    return c;
  }
  // A copy of `a` with exactly `k` decisions changed (to another option).
  Choices mutate(const Choices &a, size_t k, nas::Rng &rng) const {
    Choices b = a;
    std::vector<size_t> order(a.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    for (size_t i = 0; i < k; ++i) {
      std::swap(order[i], order[i + rng.below(order.size() - i)]);
      size_t d = order[i];
      b[d] =
          static_cast<int32_t>((a[d] + 1 + rng.below(GetParam().options - 1)) % GetParam().options);
    }
    return b;
  }
};

size_t differing(const Choices &a, const Choices &b) {
  size_t n = 0;
  for (size_t i = 0; i < a.size(); ++i)
    n += a[i] != b[i];
  return n;
}

TEST_P(HammingTest, DistanceCountsDifferingDecisionsSymmetricZeroOnEqual) {
  Harness h(0, GetParam().name);
  DistanceRef d = h.distance("nas.distance.hamming");
  nas::Rng rng(1234);
  for (int i = 0; i < 5000; ++i) {
    Choices a = random_arch(rng), b = random_arch(rng);
    double ab = d(a, b);
    ASSERT_EQ(ab, static_cast<double>(differing(a, b)));
    ASSERT_EQ(d(b, a), ab);
    ASSERT_EQ(d(a, a), 0.0);
  }
  // Every count from 0 to all decisions.
  for (size_t k = 0; k <= GetParam().decisions; ++k) {
    Choices a = random_arch(rng), b = mutate(a, k, rng);
    EXPECT_EQ(d(a, b), static_cast<double>(k));
  }
}

TEST_P(HammingTest, FeaturesAreOneHotWithSquaredDistanceTwiceHamming) {
  Harness h(0, GetParam().name);
  DistanceRef d = h.distance("nas.distance.hamming");
  ASSERT_TRUE(d.has_features());
  const size_t dimension = size_t{GetParam().decisions} * GetParam().options;
  nas::Rng rng(99);
  for (int i = 0; i < 3000; ++i) {
    Choices a = random_arch(rng), b = mutate(a, rng.below(GetParam().decisions + 1), rng);
    std::vector<double> fa = d.features(a), fb = d.features(b);
    ASSERT_EQ(fa.size(), dimension);
    ASSERT_EQ(fb.size(), dimension);
    // One block per decision, in decision order; a single 1 at the chosen option.
    for (size_t dec = 0; dec < a.size(); ++dec)
      for (size_t opt = 0; opt < GetParam().options; ++opt)
        ASSERT_EQ(fa[dec * GetParam().options + opt], opt == size_t(a[dec]) ? 1.0 : 0.0)
            << "decision " << dec << " option " << opt;
    double squared = 0;
    for (size_t j = 0; j < dimension; ++j)
      squared += (fa[j] - fb[j]) * (fa[j] - fb[j]);
    ASSERT_EQ(squared, 2.0 * d(a, b));
  }
}

TEST_P(HammingTest, FeaturesAreOfferedOnlyOnceTheSpaceIsBound) {
  Harness h(0);
  nas::core::Instance &space = h.create(GetParam().name); // first: it outlives the distance
  nas::core::Instance &dist = h.create("nas.distance.hamming");
  EXPECT_NE(dist.interface<nas_distance_v1_t>(NAS_DISTANCE_V1), nullptr);
  EXPECT_EQ(dist.interface<nas_features_v1_t>(NAS_FEATURES_V1), nullptr);
  // Unbound, a distance call is an error, not a crash.
  Choices a(GetParam().decisions, 0);
  EXPECT_THROW(DistanceRef(dist.raw())(a, a), nas::Error);

  h.bind(dist, "space", space);
  auto features = dist.interface<nas_features_v1_t>(NAS_FEATURES_V1);
  ASSERT_NE(features, nullptr);
  EXPECT_EQ(features->dimension(dist.raw()), GetParam().decisions * GetParam().options);
  EXPECT_EQ(DistanceRef(dist.raw())(a, a), 0.0);
}

TEST_P(HammingTest, WrongArchitecturesAreErrorsNotCrashes) {
  Harness h(0, GetParam().name);
  DistanceRef d = h.distance("nas.distance.hamming");
  Choices ok(GetParam().decisions, 0), short_arch(GetParam().decisions - 1, 0),
      out_of_range(GetParam().decisions, 0);
  out_of_range.back() = static_cast<int32_t>(GetParam().options);
  EXPECT_THROW(d(ok, short_arch), nas::Error);
  EXPECT_THROW(d(short_arch, ok), nas::Error);
  EXPECT_THROW(d.features(short_arch), nas::Error);
  EXPECT_THROW(d.features(out_of_range), nas::Error);
  Choices negative = ok;
  negative[0] = -1;
  EXPECT_THROW(d.features(negative), nas::Error);
  // The features call refuses a buffer that is too small, and says so.
  nas::core::Instance &dist = h.create("nas.distance.hamming");
  auto features = dist.interface<nas_features_v1_t>(NAS_FEATURES_V1);
  ASSERT_NE(features, nullptr);
  std::vector<double> small(features->dimension(dist.raw()) - 1, -7.0);
  nas_arch_t arch = nas::arch_view(ok);
  nas_error_t e = nas::core::make_error();
  EXPECT_EQ(
      features->features(dist.raw(), &arch, small.data(), static_cast<uint32_t>(small.size()), &e),
      NAS_ERR_BUFFER_TOO_SMALL);
  for (double v : small)
    EXPECT_EQ(v, -7.0) << "written past the refusal";
}

// A null architecture is the caller's mistake: an error (NAS_ERR_INVALID_ARGUMENT), not a crash.
TEST_P(HammingTest, ANullArchitectureIsAnInvalidArgumentNotACrash) {
  Harness h(0, GetParam().name);
  nas::core::Instance &dist = h.create("nas.distance.hamming");
  auto vt = dist.interface<nas_distance_v1_t>(NAS_DISTANCE_V1);
  auto features = dist.interface<nas_features_v1_t>(NAS_FEATURES_V1);
  ASSERT_NE(vt, nullptr);
  ASSERT_NE(features, nullptr);
  Choices ok(GetParam().decisions, 0);
  nas_arch_t a = nas::arch_view(ok), null_choices = a;
  null_choices.choices = nullptr;
  double out = -1;
  std::vector<double> f(features->dimension(dist.raw()));
  nas_error_t e = nas::core::make_error();
  EXPECT_EQ(vt->distance(dist.raw(), &a, nullptr, &out, &e), NAS_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vt->distance(dist.raw(), &null_choices, &a, &out, &e), NAS_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(features->features(dist.raw(), nullptr, f.data(), (uint32_t)f.size(), &e),
            NAS_ERR_INVALID_ARGUMENT);
}

INSTANTIATE_TEST_SUITE_P(Hamming, HammingTest,
                         ::testing::Values(SpaceCase{"nas.space.nb201", 6, 5},
                                           SpaceCase{"nas.space.nasbench_macro", 8, 3}),
                         [](const ::testing::TestParamInfo<SpaceCase> &info) {
                           std::string s = info.param.name;
                           return s.substr(s.rfind('.') + 1);
                         });

} // namespace
