// bench/gp's driver: one BO ask of nas.predictor.gp, timed. Loads the plugins of a build as the
// host does (core's Registry and Instance), binds nas.predictor.gp -> nas.distance.hamming ->
// nas.space.nb201, fits the observations of a problem file (a fresh predictor: the defaults as
// the first start, plus `restarts` random ones) and predicts every candidate through the ABI,
// as nas.strategy.bo does per ask. Prints one JSON line: seconds of the fit and of the
// predictions, and what the fit logged (log marginal likelihood on the standardized targets,
// hyperparameters, likelihood evaluations).
//
// Usage: gp_ask PLUGIN_DIR PROBLEM_FILE [RESTARTS]
// Problem file (written by bench/gp/compare.py): "n m", then n lines "c0 .. c5 value", then
// m lines "c0 .. c5" (NB201 option indices in nas.space.nb201's decision order).
#include "instance.hpp" // core/
#include "registry.hpp"
#include "run_context.hpp"

#include <nas/abi.h>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using nas::Choices;
using nas::core::Instance;
using Json = nlohmann::json;

namespace {

struct Problem {
  std::vector<Choices> archs, candidates;
  std::vector<double> values;
};

Problem read_problem(const std::string &path) {
  std::ifstream in(path);
  size_t n = 0, m = 0;
  if (!(in >> n >> m))
    throw std::runtime_error(path + ": expected \"n m\" on the first line");
  Problem p;
  auto read_arch = [&](Choices &c) {
    c.resize(6);
    for (auto &x : c)
      if (!(in >> x))
        throw std::runtime_error(path + ": expected 6 option indices per line");
  };
  for (size_t i = 0; i < n; ++i) {
    Choices c;
    double v = 0;
    read_arch(c);
    if (!(in >> v))
      throw std::runtime_error(path + ": expected a value after observation " + std::to_string(i));
    p.archs.push_back(c);
    p.values.push_back(v);
  }
  for (size_t i = 0; i < m; ++i) {
    Choices c;
    read_arch(c);
    p.candidates.push_back(c);
  }
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// This process's CPU seconds (all threads): on a shared machine, less disturbed by other
// processes than wall time.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PLUGIN_DIR PROBLEM_FILE [RESTARTS]\n", argv[0]);
    return 2;
  }
  try {
    const int restarts = argc > 3 ? std::stoi(argv[3]) : 2;
    Problem problem = read_problem(argv[2]);
    auto log = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
    spdlog::default_logger()->sinks().clear();
    spdlog::default_logger()->sinks().push_back(log);
    spdlog::set_level(spdlog::level::debug);

    nas::core::Registry registry;
    registry.add_folder(argv[1]);
    auto run = std::make_shared<nas::core::RunContext>();
    run->seed = 1;
    auto space = Instance::create(registry, "nas.space.nb201", Json::object(), run, "space");
    auto distance =
        Instance::create(registry, "nas.distance.hamming", Json::object(), run, "distance");
    distance->bind("space", *space);
    auto gp = Instance::create(registry, "nas.predictor.gp", Json{{"restarts", restarts}}, run,
                               "predictor");
    gp->bind("distance", *distance);
    auto *vt = gp->interface<nas_predictor_v1_t>(NAS_PREDICTOR_V1);

    std::vector<nas_arch_t> views;
    for (const Choices &a : problem.archs)
      views.push_back(nas::arch_view(a));
    nas_error_t error = nas::core::make_error();
    const double cpu_start = cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    if (vt->fit(gp->raw(), views.data(), problem.values.data(),
                static_cast<uint32_t>(views.size()), &error) != NAS_OK)
      throw std::runtime_error(std::string("fit failed: ") + error.message);
    const double fit_s = seconds_since(start);
    start = std::chrono::steady_clock::now();
    double checksum = 0;
    for (const Choices &c : problem.candidates) {
      nas_arch_t a = nas::arch_view(c);
      double mean = 0, variance = 0;
      if (vt->predict(gp->raw(), &a, &mean, &variance, &error) != NAS_OK)
        throw std::runtime_error(std::string("predict failed: ") + error.message);
      checksum += mean + variance;
    }
    const double predict_s = seconds_since(start);
    const double cpu_s = cpu_seconds() - cpu_start;

    Json out = {{"fit_s", fit_s}, {"predict_s", predict_s}, {"ask_s", fit_s + predict_s},
                {"cpu_s", cpu_s},
                {"checksum", checksum}};
    for (const std::string &line : log->last_formatted()) {
      double s2 = 0, l = 0, noise = 0, lml = 0, secs = 0;
      int evaluations = 0;
      size_t n = 0;
      auto at = line.find("fit ");
      if (at != std::string::npos &&
          std::sscanf(line.c_str() + at,
                      "fit %zu observations: s^2 %lf, l %lf, noise %lf, log likelihood %lf "
                      "(%d evaluations, %lf s)",
                      &n, &s2, &l, &noise, &lml, &evaluations, &secs) == 7)
        out.update({{"signal_variance", s2}, {"lengthscale", l}, {"noise_variance", noise},
                    {"log_likelihood", lml}, {"evaluations", evaluations}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "gp_ask: %s\n", e.what());
    return 1;
  }
}
