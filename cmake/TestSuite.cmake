include(GoogleTest)

# cu_test_suite(NAME sources... [LIBS libs...]): one GoogleTest executable per folder of tests/,
# which mirrors the folder of lib/ it tests.
function(cu_test_suite name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  add_executable(${name}_tests ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name}_tests PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name}_tests PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  # The test files at -O1 whatever the build type (the code under test keeps it): GoogleTest's
  # macros take -O3 a third longer to compile for no gain in what the tests show.
  target_compile_options(${name}_tests PRIVATE -O1)
  target_compile_definitions(${name}_tests PRIVATE
    CU_SHARED_DATA_DIR="${CMAKE_SOURCE_DIR}/../shared/data"
    CU_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    CU_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 900)
endfunction()
