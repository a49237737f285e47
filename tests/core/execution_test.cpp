// [execution]: engines, workers, trial_timeout, trial_memory, threads_per_worker.
#include "executor_factory.hpp"
#include "pipeline.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using nas::core::parse_memory_size;
using nas::core::Pipeline;
using nas::core::PipelineError;

namespace {

std::string pipeline_file(const std::string &execution) {
  fs::path p =
      fs::temp_directory_path() / ("nas-execution-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(p) << "[objective]\nmetric = \"m\"\n\n[space]\nplugin = \"s\"\n\n[[stage]]\nname = "
                      "\"a\"\nbudget = { evaluations = "
                      "1 }\nstrategy = { plugin = \"t\" }\nevaluator = { plugin = \"e\" }\n\n"
                      "[execution]\n"
                   << execution;
  return p.string();
}

Pipeline parse(const std::string &execution) {
  std::string file = pipeline_file(execution);
  Pipeline p = nas::core::parse_pipeline(file, {});
  fs::remove(file);
  return p;
}

std::string problems(const std::string &execution) {
  std::string file = pipeline_file(execution);
  try {
    nas::core::parse_pipeline(file, {});
  } catch (const PipelineError &e) {
    fs::remove(file);
    return e.what();
  }
  fs::remove(file);
  return "";
}

TEST(Execution, MemorySizes) {
  EXPECT_EQ(parse_memory_size("512M"), int64_t{512} << 20);
  EXPECT_EQ(parse_memory_size("2G"), int64_t{2} << 30);
  EXPECT_EQ(parse_memory_size("2g"), int64_t{2} << 30);
  EXPECT_EQ(parse_memory_size("1.5GiB"), int64_t{3} << 29);
  EXPECT_EQ(parse_memory_size("64k"), int64_t{64} << 10);
  EXPECT_EQ(parse_memory_size("1T"), int64_t{1} << 40);
  EXPECT_EQ(parse_memory_size("100MB"), int64_t{100} << 20);
  EXPECT_EQ(parse_memory_size("1048576"), int64_t{1} << 20);
  EXPECT_EQ(parse_memory_size(" 3 G "), int64_t{3} << 30);
  for (const char *bad : {"", "lots", "2X", "-1G", "G", "1e9", "2 G B"})
    EXPECT_THROW(parse_memory_size(bad), std::invalid_argument) << bad;
}

TEST(Execution, LocalEngineKeys) {
  Pipeline p = parse("engine = \"local\"\nworkers = 3\ntrial_timeout = \"90s\"\n"
                     "trial_memory = \"512M\"\nthreads_per_worker = 2\n");
  EXPECT_EQ(p.execution.engine, "local");
  EXPECT_EQ(p.execution.workers, 3);
  EXPECT_EQ(p.execution.trial_timeout, 90);
  EXPECT_EQ(p.execution.trial_memory, int64_t{512} << 20);
  EXPECT_EQ(p.execution.threads_per_worker, 2);
  EXPECT_EQ(nas::core::threads_per_worker(p.execution), 2);
  EXPECT_EQ(parse("trial_memory = 1000000\n").execution.trial_memory, 1000000);
}

TEST(Execution, ThreadsSplitTheCores) {
  nas::core::Execution e;
  e.workers = 1;
  int all = nas::core::threads_per_worker(e);
  EXPECT_GE(all, 1);
  e.workers = 1000; // more workers than cores: still one thread each
  EXPECT_EQ(nas::core::threads_per_worker(e), 1);
  e.workers = 2;
  EXPECT_EQ(nas::core::threads_per_worker(e), std::max(1, all / 2));
}

TEST(Execution, BadValuesAreNamed) {
  EXPECT_NE(problems("engine = \"mpi\"\n").find("\"inline\" (in the host), \"local\""),
            std::string::npos);
  EXPECT_NE(problems("trial_memory = \"lots\"\n").find("trial_memory: expected a size"),
            std::string::npos);
  EXPECT_NE(problems("trial_memory = -5\n").find("cannot be negative"), std::string::npos);
  EXPECT_NE(problems("trial_memory = true\n").find("trial_memory"), std::string::npos);
  EXPECT_NE(problems("threads_per_worker = 0\n").find("at least 1"), std::string::npos);
  EXPECT_NE(problems("trial_timeout = -3\n").find("cannot be negative"), std::string::npos);
  EXPECT_NE(problems("workerz = 2\n").find("threads_per_worker"), std::string::npos);
  // Problems point at the line.
  EXPECT_NE(problems("trial_memory = \"lots\"\n").find(":14:"), std::string::npos)
      << problems("trial_memory = \"lots\"\n");
}

TEST(Execution, PipelineKeepsWhatWorkersNeed) {
  std::string file = pipeline_file("engine = \"local\"\n");
  Pipeline p = nas::core::parse_pipeline(file, {"execution.workers=4"});
  fs::remove(file);
  EXPECT_EQ(p.overrides, std::vector<std::string>{"execution.workers=4"});
  EXPECT_EQ(p.execution.workers, 4);
  // Workers parse the host's text, not the file (which may have changed).
  Pipeline again = nas::core::parse_pipeline_text(p.file, p.text, p.overrides);
  EXPECT_EQ(again.execution.workers, 4);
  EXPECT_EQ(again.dir, p.dir);
  EXPECT_EQ(again.text, p.text);
}

} // namespace
