#include <nas/torch/checkpoint.hpp>

#include <nas/plugin.hpp>

#include <filesystem>
#include <system_error>

namespace nas::torch {

namespace fs = std::filesystem;

void save_archive(::torch::serialize::OutputArchive &archive, const std::string &path) {
  const std::string temporary = path + ".tmp";
  try {
    archive.save_to(temporary);
  } catch (const c10::Error &e) {
    throw Failed("cannot write " + temporary + ": " + e.what_without_backtrace());
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error)
    throw Failed("cannot rename " + temporary + " to " + path + ": " + error.message());
}

::torch::serialize::InputArchive load_archive(const std::string &path,
                                              const ::torch::Device &device,
                                              const std::string &what) {
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    throw Failed(path + ": no such file (expected " + what + ")");
  ::torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error &e) {
    throw Failed(path + ": cannot read it (a damaged file?): " + e.what_without_backtrace());
  }
  return archive;
}

void save_weights(const ::torch::nn::Module &module, const std::string &path) {
  ::torch::serialize::OutputArchive archive;
  module.save(archive);
  save_archive(archive, path);
}

void write_text(::torch::serialize::OutputArchive &archive, const std::string &key,
                const std::string &text) {
  archive.write(key, c10::IValue(text));
}

std::string read_text(::torch::serialize::InputArchive &archive, const std::string &key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString())
    return {};
  return value.toStringRef();
}

void save_checkpoint(const ::torch::nn::Module &module, const ::torch::optim::Optimizer &optimizer,
                     int64_t epoch, const std::string &path) {
  save_checkpoint(module, optimizer, epoch, path, "");
}

void save_checkpoint(const ::torch::nn::Module &module, const ::torch::optim::Optimizer &optimizer,
                     int64_t epoch, const std::string &path, const std::string &epoch_report) {
  ::torch::serialize::OutputArchive model, state, archive;
  module.save(model);
  optimizer.save(state);
  archive.write("model", model);
  archive.write("optimizer", state);
  archive.write("epoch", ::torch::tensor(epoch, ::torch::kInt64));
  if (!epoch_report.empty())
    write_text(archive, "report", epoch_report);
  save_archive(archive, path);
}

int64_t load_checkpoint(::torch::nn::Module &module, ::torch::optim::Optimizer &optimizer,
                        const std::string &path, const ::torch::Device &device) {
  std::string unused;
  return load_checkpoint(module, optimizer, path, device, unused);
}

int64_t load_checkpoint(::torch::nn::Module &module, ::torch::optim::Optimizer &optimizer,
                        const std::string &path, const ::torch::Device &device,
                        std::string &epoch_report) {
  auto archive = load_archive(path, device,
                              "the checkpoint.pt an earlier trial of this architecture wrote");
  try {
    ::torch::serialize::InputArchive model, state;
    archive.read("model", model);
    archive.read("optimizer", state);
    ::torch::Tensor epoch;
    archive.read("epoch", epoch);
    module.load(model);
    optimizer.load(state);
    epoch_report = read_text(archive, "report");
    return epoch.item<int64_t>();
  } catch (const c10::Error &e) {
    throw Failed(path +
                 ": cannot resume from this checkpoint (another architecture or "
                 "optimizer, or a damaged file): " +
                 e.what_without_backtrace());
  }
}

} // namespace nas::torch
