// libFuzzer target: the pipeline parser (parse_pipeline_text, TOML++ and the --set
// overrides). The input is a pipeline's text; a NUL byte ends it, and what follows is a
// list of NUL- or newline-separated `--set` overrides (as the CLI and worker processes
// pass them). A PipelineError or UsageError is a correct answer to bad input; anything
// else is a finding: a crash, a sanitizer report, or another exception escaping.
#include "pipeline.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string input(reinterpret_cast<const char *>(data), size);
  std::string text = input;
  std::vector<std::string> overrides;
  if (size_t nul = input.find('\0'); nul != std::string::npos) {
    text = input.substr(0, nul);
    std::string current;
    for (size_t i = nul + 1; i <= input.size(); ++i) {
      if (i == input.size() || input[i] == '\0' || input[i] == '\n') {
        if (!current.empty())
          overrides.push_back(current);
        current.clear();
      } else {
        current += input[i];
      }
    }
  }
  try {
    nas::core::Pipeline p = nas::core::parse_pipeline_text("fuzz/pipeline.toml", text, overrides);
    // Touch what was read, as the host does next (errors name positions).
    for (const auto &stage : p.stages) {
      if (stage.evaluator)
        (void)stage.evaluator->where("table").str();
      if (stage.strategy)
        (void)stage.strategy->where("a.b[0]").str();
    }
    (void)p.space.config.dump();
  } catch (const nas::core::PipelineError &) {
  } catch (const nas::core::UsageError &) {
  } catch (const std::exception &e) {
    std::fprintf(stderr, "pipeline_fuzz: an exception that is not a PipelineError or a "
                         "UsageError escaped: %s\n", e.what());
    std::abort();
  }
  return 0;
}
