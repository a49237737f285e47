// The registry: folders of plugin libraries, problems collected (not thrown) so the good
// plugins still load, duplicate names reported with both files, and `nas plugins`.
#include "../support/run_nas.hpp"
#include "registry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using nas::core::Registry;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

const std::string kAbiDir = NAS_TEST_PLUGIN_DIR "/abi";
const std::string kRefusedDir = NAS_TEST_PLUGIN_DIR "/abi_refused";
const char *const kGoodAbiPlugins[] = {"test.c.sequential", "test.c.newer_sdk",
                                       "test.c.short_structs"};

std::string canonical(const std::string &path) { return fs::canonical(path).string(); }

// The one problem that mentions `file`, or "".
std::string problem_about(const Registry &r, const std::string &file) {
  std::string found;
  for (const auto &p : r.problems())
    if (p.find(file) != std::string::npos) {
      EXPECT_TRUE(found.empty()) << "two problems about " << file;
      found = p;
    }
  return found;
}

// A folder with a copy of a good plugin, a library that is not a plugin, a garbage
// broken.so and a file that is not a library at all.
struct MixedFolder {
  TempDir dir;
  std::string good, not_plugin, broken;
  MixedFolder() {
    good = dir / "good_copy.so";
    not_plugin = dir / "not_a_plugin.so";
    fs::copy_file(fs::path(kAbiDir) / "test_c_sequential.so", good);
    fs::copy_file(NAS_TEST_NOT_A_PLUGIN, not_plugin);
    // Longer than an ELF header, so dlopen reads it and gives its reason (invalid ELF header).
    std::string garbage;
    while (garbage.size() < 4096)
      garbage += "this is not an ELF file, only text pretending to be a library\n";
    broken = dir.write("broken.so", garbage);
    dir.write("README.txt", "not a library: ignored, not a problem\n");
    good = canonical(good);
    not_plugin = canonical(not_plugin);
    broken = canonical(broken);
  }
};

TEST(Registry, LoadsEveryGoodPluginOfAFolderWithoutProblems) {
  Registry r;
  r.add_folder(kAbiDir);
  EXPECT_TRUE(r.problems().empty()) << r.problems().front();
  for (const char *name : kGoodAbiPlugins) {
    ASSERT_TRUE(r.contains(name)) << name;
    EXPECT_EQ(r.find(name).name, name);
    EXPECT_EQ(fs::path(r.find(name).file).parent_path(), canonical(kAbiDir));
  }
  EXPECT_EQ(r.all().size(), 3u);
  ASSERT_EQ(r.folders().size(), 1u);
  EXPECT_EQ(r.folders()[0], canonical(kAbiDir));
  EXPECT_EQ(r.library_of("test.c.newer_sdk").abi().minor, 3);
}

TEST(Registry, BrokenFileAndNonPluginAreProblemsWithTheirReasonAndTheRestLoads) {
  MixedFolder m;
  Registry r;
  r.add_folder(m.dir.path().string());
  EXPECT_EQ(r.problems().size(), 2u) << "broken.so and not_a_plugin.so, nothing else";

  std::string broken = problem_about(r, m.broken);
  ASSERT_FALSE(broken.empty()) << "broken.so is not reported";
  EXPECT_NE(broken.find("cannot load"), std::string::npos) << broken;
  EXPECT_NE(broken.find("ELF"), std::string::npos) << "dlopen's reason is missing: " << broken;

  std::string not_plugin = problem_about(r, m.not_plugin);
  ASSERT_FALSE(not_plugin.empty()) << "not_a_plugin.so is not reported";
  EXPECT_NE(not_plugin.find("nas_plugin_entry"), std::string::npos) << not_plugin;

  ASSERT_TRUE(r.contains("test.c.sequential")) << "the good plugin of the folder must load";
  EXPECT_EQ(r.find("test.c.sequential").file, m.good);
  EXPECT_EQ(r.all().size(), 1u);
}

TEST(Registry, DuplicateNameInTwoFilesIsAProblemAndFindNamesBothFiles) {
  TempDir copy;
  std::string duplicate = copy / "another_sequential.so";
  fs::copy_file(fs::path(kAbiDir) / "test_c_sequential.so", duplicate);
  duplicate = canonical(duplicate);
  std::string original = canonical(kAbiDir + "/test_c_sequential.so");

  Registry r;
  r.add_folder(kAbiDir);
  r.add_folder(copy.path().string());
  ASSERT_EQ(r.problems().size(), 1u);
  const std::string &p = r.problems()[0];
  EXPECT_NE(p.find("test.c.sequential"), std::string::npos) << p;
  EXPECT_NE(p.find(original), std::string::npos) << p;
  EXPECT_NE(p.find(duplicate), std::string::npos) << p;

  try {
    r.find("test.c.sequential");
    ADD_FAILURE() << "find of an ambiguous name must throw";
  } catch (const std::runtime_error &e) {
    std::string what = e.what();
    EXPECT_NE(what.find(original), std::string::npos) << what;
    EXPECT_NE(what.find(duplicate), std::string::npos) << what;
  }
  EXPECT_THROW(r.library_of("test.c.sequential"), std::runtime_error);
  // The other plugins of the folder are unaffected.
  EXPECT_EQ(r.find("test.c.newer_sdk").name, "test.c.newer_sdk");
}

TEST(Registry, TheSameFolderTwiceIsNoDuplicate) {
  Registry r;
  r.add_folder(kAbiDir);
  r.add_folder(kAbiDir + "/../abi");
  r.add_folder(kAbiDir + "/");
  EXPECT_TRUE(r.problems().empty()) << r.problems().front();
  EXPECT_EQ(r.folders().size(), 1u);
  EXPECT_EQ(r.find("test.c.sequential").name, "test.c.sequential");
}

TEST(Registry, MissingFolderIsIgnored) {
  TempDir dir;
  Registry r;
  r.add_folder(dir / "does-not-exist");
  r.add_folder(kAbiDir);
  EXPECT_TRUE(r.problems().empty());
  EXPECT_EQ(r.folders().size(), 1u);
  EXPECT_TRUE(r.contains("test.c.sequential"));
}

TEST(Registry, UnknownNameThrowsListingWhatWasFound) {
  Registry r;
  r.add_folder(kAbiDir);
  try {
    r.find("test.c.no_such_plugin");
    ADD_FAILURE() << "an unknown name must throw";
  } catch (const std::runtime_error &e) {
    std::string what = e.what();
    EXPECT_NE(what.find("test.c.no_such_plugin"), std::string::npos) << what;
    EXPECT_NE(what.find("test.c.sequential"), std::string::npos) << what;
  }
}

// ---- `nas plugins` -------------------------------------------------------------------------

TEST(NasPlugins, ListsThePluginsOfAPluginPathFolder) {
  auto r = run_nas("plugins --plugin-path " + kAbiDir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char *name : kGoodAbiPlugins)
    EXPECT_NE(r.out.find(name), std::string::npos) << name << " missing from:\n" << r.out;
  EXPECT_EQ(r.err.find(canonical(kAbiDir)), std::string::npos)
      << "warnings about the good folder:\n"
      << r.err;
  // The ABI column: the newer-SDK plugin was built as 1.3.
  size_t row = r.out.find("test.c.newer_sdk");
  ASSERT_NE(row, std::string::npos);
  std::string line = r.out.substr(row, r.out.find('\n', row) - row);
  EXPECT_NE(line.find(" 1.3 "), std::string::npos) << line;

  auto j = run_nas("plugins --json --plugin-path " + kAbiDir);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto list = nlohmann::json::parse(j.out);
  int found = 0;
  for (const auto &p : list) {
    std::string name = p["name"];
    if (name.rfind("test.c.", 0) != 0)
      continue;
    ++found;
    EXPECT_EQ(p["kind"], "strategy");
    EXPECT_EQ(p["abi"], name == "test.c.newer_sdk" ? "1.3" : "1.0") << name;
    EXPECT_EQ(fs::path(p["file"].get<std::string>()).parent_path(), canonical(kAbiDir));
  }
  EXPECT_EQ(found, 3) << j.out;
}

TEST(NasPlugins, NasPluginPathFolderWithRefusedPluginsWarnsAndTheRestStillLoads) {
  std::string major2 = canonical(kRefusedDir + "/test_c_abi_major2.so");
  std::string needs15 = canonical(kRefusedDir + "/test_c_needs_host_1_5.so");
  auto r = run_nas("plugins", "NAS_PLUGIN_PATH=" + kRefusedDir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(major2), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needs15), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2.0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1.5"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("test.c.abi_major2"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("test.c.needs_host_1_5"), std::string::npos) << r.out;
  // The host's own plugin folder still loads.
  EXPECT_NE(r.out.find("nas.space.nb201"), std::string::npos) << r.out;
}

TEST(NasPlugins, BrokenFilesAreReportedAndTheGoodPluginBesideThemIsListed) {
  MixedFolder m;
  auto r = run_nas("plugins --plugin-path " + m.dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(m.broken), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(m.not_plugin), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("README.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("test.c.sequential"), std::string::npos) << r.out;
}

TEST(NasPlugins, DescribeOfAnAmbiguousNameFailsNamingBothFiles) {
  TempDir copy;
  fs::copy_file(fs::path(kAbiDir) / "test_c_sequential.so", copy / "another_sequential.so");
  std::string duplicate = canonical(copy / "another_sequential.so");
  auto r = run_nas("describe test.c.sequential --plugin-path " + kAbiDir + " --plugin-path " +
                   copy.path().string());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(duplicate), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(canonical(kAbiDir + "/test_c_sequential.so")), std::string::npos) << r.err;
}

} // namespace
