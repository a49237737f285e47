// Base64 (RFC 4648, with padding): the controller's torch archive is binary, the strategy's
// state is JSON text.
#pragma once

#include <string>
#include <string_view>

namespace nas::reinforce {

std::string base64_encode(std::string_view bytes);
// Throws std::invalid_argument on anything that is not padded base64.
std::string base64_decode(std::string_view text);

} // namespace nas::reinforce
