// The `dorsum` command end to end: results, JSON, and one clear message for bad input.
#include <gtest/gtest.h>

#include "cli_run.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using dorsum::test::CliRun;
CliRun run(const std::string& args) {
  return dorsum::test::runCli(args);
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::filesystem::path tempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("dorsum_cli_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST(Cli, DemoSummarisesTheBuiltinModel) {
  const CliRun r = run("demo");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("muscle fascicles"), std::string::npos);
  EXPECT_NE(r.out.find("longissimus_thoracis"), std::string::npos);
}

TEST(Cli, AnatomyListAsJson) {
  const CliRun r = run("anatomy list --layer intermediate --json -");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::ordered_json::parse(r.out);
  EXPECT_EQ(j.begin().key(), "schema_version");  // first, as DESIGN.md asks
  ASSERT_EQ(j["muscles"].size(), 4u);  // serratus posterior superior and inferior, both sides
  for (const auto& m : j["muscles"]) {
    EXPECT_EQ(m["layer"], "intermediate");
    EXPECT_TRUE(m["side"] == "left" || m["side"] == "right");
    EXPECT_GT(m["max_force_N"].get<double>(), 0.0);
    EXPECT_GE(m["fascicles"].get<int>(), 1);
  }
}

TEST(Cli, AnatomyShowGivesAttachmentsAndActions) {
  const CliRun r = run("anatomy show latissimus_dorsi --json -");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["layer"], "superficial");
  ASSERT_FALSE(j["fascicles"].empty());
  EXPECT_EQ(j["fascicles"][0]["insertion"]["body"].get<std::string>().substr(0, 7), "humerus");
  bool extends_shoulder = false;
  for (const auto& a : j["actions"])
    extends_shoulder |=
        a["action"] == "shoulder extension" && a["moment_arm_m"].get<double>() < 0.0;
  EXPECT_TRUE(extends_shoulder);  // a negative moment arm about shoulder flexion
}

TEST(Cli, AnatomyActionRanksByCapacity) {
  const CliRun r = run("anatomy action \"trunk extension\" --json -");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_GE(j["muscles"].size(), 6u);
  for (size_t i = 1; i < j["muscles"].size(); ++i)
    EXPECT_GE(j["muscles"][i - 1]["capacity_Nm"].get<double>(),
              j["muscles"][i]["capacity_Nm"].get<double>());
}

TEST(Cli, UnknownNamesGetASuggestion) {
  CliRun r = run("anatomy show latisimus_dorsi");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("did you mean 'latissimus_dorsi'"), std::string::npos) << r.out;
  r = run("anatomy action \"trunk extention\"");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("did you mean 'trunk extension'"), std::string::npos) << r.out;
}

TEST(Cli, BadOptionsFailWithOneMessage) {
  for (const char* args :
       {"anatomy list --height-m 0.5", "anatomy list --mass-kg 300", "anatomy list --sex x",
        "anatomy list --layer deep", "anatomy list --height-m tall", "nonsense", "anatomy"}) {
    const CliRun r = run(args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_FALSE(r.out.empty()) << args;
    EXPECT_EQ(r.out.find("internal error"), std::string::npos) << args << ": " << r.out;
  }
}

TEST(Cli, AFailedRunLeavesTheOutputFileAlone) {
  const auto file = tempDir() / "list.json";
  ASSERT_EQ(run("anatomy list --json " + file.string()).status, 0);
  const std::string good = read(file);
  ASSERT_FALSE(good.empty());
  EXPECT_NE(run("anatomy list --height-m 9 --json " + file.string()).status, 0);
  EXPECT_EQ(read(file), good);
  EXPECT_NE(run("anatomy list --json /nonexistent_dir/x.json").status, 0);
  std::filesystem::remove_all(file.parent_path());
}

// ---- the main job: scenarios ------------------------------------------------------------------

TEST(Cli, ScenariosListsTheBuiltinOnes) {
  const CliRun r = run("scenarios --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto list = nlohmann::json::parse(r.out);
  ASSERT_GE(list.size(), 18u);
  for (const auto& s : list) EXPECT_FALSE(s["description"].get<std::string>().empty());
}

TEST(Cli, AnalyzesAScenarioFileIntoJsonCsvAndAReport) {
  const auto dir = tempDir();
  {
    std::ofstream f(dir / "lift.toml");
    f << "[scenario]\ndescription = \"a test lift\"\n[posture]\ntechnique = \"stoop\"\n"
         "hand_forward_m = 0.35\nhand_height_m = 0.5\n[load]\nmass_kg = 10\n"
         "[niosh]\nfrequency_per_min = 1\nduration_h = 1\nrecovery_h = 1\n"
         "[variants]\ntechnique = [\"stoop\", \"squat\"]\n";
  }
  const CliRun r =
      run((dir / "lift.toml").string() + " --json " + (dir / "r.json").string() + " --csv " +
          (dir / "csv").string() + " --report " + (dir / "r.html").string());
  // (`analyze` is the subcommand; the file follows it)
  EXPECT_NE(r.status, 0);  // without the subcommand the file is not a command
  const CliRun a =
      run("analyze " + (dir / "lift.toml").string() + " --json " + (dir / "r.json").string() +
          " --csv " + (dir / "csv").string() + " --report " + (dir / "r.html").string());
  ASSERT_EQ(a.status, 0) << a.out;
  const auto j = nlohmann::json::parse(read(dir / "r.json"));
  EXPECT_EQ(j["schema_version"], 2);
  ASSERT_EQ(j["variants"].size(), 2u);
  EXPECT_EQ(j["variants"][1]["label"], "technique=squat");
  for (const char* key : {"muscles", "joints", "disc_pressure_MPa", "max_residual_Nm", "assessment",
                          "niosh", "reserves"})
    EXPECT_TRUE(j.contains(key)) << key;
  for (const auto& m : j["muscles"])
    for (const char* key :
         {"name", "side", "layer", "group", "activation", "force_N", "normalized_fiber_length"})
      EXPECT_TRUE(m.contains(key)) << key;
  EXPECT_TRUE(std::filesystem::exists(dir / "csv" / "muscles.csv"));
  const std::string html = read(dir / "r.html");
  EXPECT_NE(html.find("technique=squat"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Cli, BadScenarioFilesFailWithTheirPathAndLeaveOutputsAlone) {
  const auto dir = tempDir();
  const auto out = dir / "keep.json";
  {
    std::ofstream f(out);
    f << "{\"good\": true}\n";
  }
  const std::pair<const char*, const char*> cases[] = {
      {"[posture]\ntrunk_flexon_deg = 20\n", "posture.trunk_flexon_deg"},
      {"[posture]\ntrunk_flexion_deg = \"deep\"\n", "expected a number"},
      {"[posture]\ntrunk_flexion_deg = 20\n[load\n", "not valid TOML"},
      {"[load]\nmass_kg = 1000\n", "load.mass_kg"},
      {"[posture]\ntechnique = \"stoop\"\nhand_forward_m = 1.4\nhand_height_m = 0\n",
       "cannot reach"},
      {"[conditions.x]\nkind = \"weakness\"\nmuscles = \"multifidis\"\nstrength = 0.5\n",
       "did you mean 'multifidus'"},
      {"[variants]\nbogus = [1, 2]\n", "variants.bogus"},
  };
  for (const auto& [text, expected] : cases) {
    {
      std::ofstream f(dir / "bad.toml");
      f << text;
    }
    const CliRun r = run("analyze " + (dir / "bad.toml").string() + " --json " + out.string());
    EXPECT_NE(r.status, 0) << text;
    EXPECT_NE(r.out.find(expected), std::string::npos) << text << "\n" << r.out;
    EXPECT_EQ(r.out.find("internal error"), std::string::npos) << r.out;
    EXPECT_EQ(read(out), "{\"good\": true}\n");
  }
  for (const char* args :
       {"analyze", "analyze /nonexistent/x.toml", "analyze --builtin standng",
        "analyze --builtin standing --exponent 4", "analyze --builtin standing --criterion best"}) {
    const CliRun r = run(args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_EQ(r.out.find("internal error"), std::string::npos) << args << r.out;
  }
  EXPECT_NE(run("analyze --builtin standng").out.find("did you mean 'standing'"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Cli, UnwritableOutputsAreRefusedBeforeTheAnalysisRuns) {
  const auto dir = tempDir();
  const CliRun nodir = run("analyze --builtin standing --report /nonexistent_dir/r.html");
  EXPECT_NE(nodir.status, 0);
  EXPECT_NE(nodir.out.find("--report"), std::string::npos) << nodir.out;
  EXPECT_EQ(nodir.out.find("running"), std::string::npos) << nodir.out;
  EXPECT_NE(run("analyze --builtin standing --json " + dir.string()).status, 0);
  const auto file = dir / "a_file";
  std::ofstream(file) << "x";
  EXPECT_NE(run("analyze --builtin standing --csv " + file.string()).status, 0);
  EXPECT_EQ(read(file), "x");
  std::filesystem::remove_all(dir);
}
