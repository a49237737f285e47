// classify: loads a network exported by `nas export` and classifies test images with it.
//
//   nas export runs/quickstart --stage retrain --out best-net
//   classify best-net                 # the first 10 test images: predicted vs true class
//   classify best-net 7 42 1000       # those test images
//   classify best-net --evaluate      # top-1 accuracy on the whole test set
//
// An export holds ir.json (the network IR, sdk/IR.md), weights.pt (trained weights) and
// preprocess.json (the dataset and how its images were normalized). Rebuilding the network
// from the IR with libnas_torch and loading the weights is all it takes:
//
//   auto net = nas::torch::build_network(nas::ir::read(ir_text));
//   torch::load(net, "weights.pt");
//
// Built with the project (target nas_classify); outside it, link nas::torch and LibTorch.
#include <nas/data/dataset.hpp>
#include <nas/ir.hpp>
#include <nas/torch/network.hpp>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path + " (is it a folder written by nas export?)");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Test images [first, first + count) as the network saw its training images:
// (pixel * scale - mean) / std per channel.
torch::Tensor normalized(const nas::data::ImageSet &set, const nlohmann::json &pre,
                         int64_t first, int64_t count) {
  const int64_t image = set.channels * set.height * set.width;
  auto bytes = torch::from_blob(const_cast<uint8_t *>(set.pixels.data()) + first * image,
                                {count, set.channels, set.height, set.width}, torch::kUInt8);
  auto mean = torch::tensor(pre.at("mean").get<std::vector<float>>()).view({1, -1, 1, 1});
  auto std = torch::tensor(pre.at("std").get<std::vector<float>>()).view({1, -1, 1, 1});
  return (bytes.to(torch::kFloat32) * pre.at("scale").get<float>() - mean) / std;
}

const char *const kFashionClasses[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

std::string class_name(const std::string &dataset, int64_t label) {
  if (dataset == "fashion-mnist" && label >= 0 && label < 10)
    return kFashionClasses[label];
  return std::to_string(label);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << "usage: classify EXPORT_DIR [--evaluate | INDEX...] [--data-root DIR]\n"
                 "Loads ir.json, weights.pt and preprocess.json written by `nas export` and\n"
                 "classifies test images of the dataset it was trained on (default: the first\n"
                 "10), or with --evaluate prints its top-1 accuracy on the whole test set.\n";
    return argc < 2 ? 2 : 0;
  }
  try {
    const std::string dir = argv[1];
    bool evaluate = false;
    std::string data_root;
    std::vector<int64_t> indices;
    for (int i = 2; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--evaluate")
        evaluate = true;
      else if (arg == "--data-root" && i + 1 < argc)
        data_root = argv[++i];
      else
        indices.push_back(std::stoll(arg));
    }
    torch::set_num_threads(1);
    torch::NoGradGuard no_grad;
    auto net = nas::torch::build_network(nas::ir::read(read_file(dir + "/ir.json")));
    torch::load(net, dir + "/weights.pt");
    net->eval();
    const auto pre = nlohmann::json::parse(read_file(dir + "/preprocess.json"));
    const std::string dataset = pre.at("dataset").get<std::string>();
    const nas::data::ImageSet test = nas::data::load_dataset(dataset, data_root).test;

    if (evaluate) { // batches of 500, as nas.evaluator.train measures test_accuracy
      int64_t correct = 0;
      for (int64_t first = 0; first < test.count; first += 500) {
        int64_t n = std::min<int64_t>(500, test.count - first);
        auto labels = torch::from_blob(const_cast<uint8_t *>(test.labels.data()) + first, {n},
                                       torch::kUInt8)
                          .to(torch::kInt64);
        correct += net->forward(normalized(test, pre, first, n)).argmax(1).eq(labels).sum()
                       .item<int64_t>();
      }
      std::printf("test_accuracy %.2f (%lld of %lld %s test images)\n",
                  100.0 * static_cast<double>(correct) / static_cast<double>(test.count),
                  static_cast<long long>(correct), static_cast<long long>(test.count),
                  dataset.c_str());
      return 0;
    }
    if (indices.empty())
      for (int64_t i = 0; i < 10; ++i)
        indices.push_back(i);
    for (int64_t index : indices) {
      if (index < 0 || index >= test.count)
        throw std::runtime_error("image " + std::to_string(index) + " is not in the test set (0.." +
                                 std::to_string(test.count - 1) + ")");
      auto probabilities = torch::softmax(net->forward(normalized(test, pre, index, 1)), 1)[0];
      int64_t predicted = probabilities.argmax().item<int64_t>();
      std::printf("image %lld: %s (%.1f%%), true: %s\n", static_cast<long long>(index),
                  class_name(dataset, predicted).c_str(),
                  100.0 * probabilities[predicted].item<double>(),
                  class_name(dataset, test.labels[static_cast<size_t>(index)]).c_str());
    }
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "classify: " << e.what() << "\n";
    return 1;
  }
}
