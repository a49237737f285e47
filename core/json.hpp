// The host's JSON type: ordered, so config tables keep the order of the pipeline file.
#pragma once

#include <nlohmann/json.hpp>

namespace nas::core {
using Json = nlohmann::ordered_json;
}
