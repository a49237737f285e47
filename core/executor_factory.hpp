// The executor a pipeline's [execution] engine asks for, one per stage.
#pragma once

#include "assembly.hpp"
#include "executor.hpp"
#include "instance.hpp"
#include "pipeline.hpp"
#include "run_context.hpp"

#include <memory>

namespace nas::core {

// "inline": stage `stage`'s runner (its evaluator, or its one-shot strategy) in this
// process; "local": worker processes that load that runner (and the space) themselves, from
// the same library files.
std::unique_ptr<Executor> make_executor(const Pipeline &pipeline, const Assembly &assembly,
                                        size_t stage, RunContext &run);

// The threads each of `workers` workers gets: threads_per_worker when set, else the cores
// this process may use split evenly (at least 1).
int threads_per_worker(const Execution &execution);

} // namespace nas::core
