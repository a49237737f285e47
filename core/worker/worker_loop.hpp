// The worker side of the local engine (`nas worker`): reads a hello, loads the space and
// one stage's evaluator once, answers ready, then evaluates the trials the host sends until
// it says quit or closes the pipe.
#pragma once

namespace nas::core::worker {

// Serves the host on `in_fd` (frames from the host) and `out_fd` (frames to it). Returns
// the process exit code: 0 after quit or end of input, 2 when the hello or a later message
// is unusable or the evaluator cannot be loaded, 1 when the host is gone.
int run_worker(int in_fd, int out_fd);

} // namespace nas::core::worker
