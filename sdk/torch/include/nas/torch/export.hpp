// nas/torch/export.hpp: symbol visibility of libnas_torch.
//
// libnas_torch and every torch target built with nas_target_use_torch() compile with hidden
// visibility (so libtorch never binds to their copies of its inline templates, and all of
// them can share one precompiled header). The public API is exported explicitly.
#pragma once

#if defined(_WIN32)
#define NAS_TORCH_API
#else
#define NAS_TORCH_API __attribute__((visibility("default")))
#endif
