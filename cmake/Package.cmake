# The Debian package (scripts/package runs cpack): the install rules of cmake/Install.cmake, all
# components, prefix /usr. Its dependencies are what dpkg-shlibdeps finds the programs linked
# against. No maintainer scripts: installing enables and starts nothing (`systemctl enable` reloads
# systemd's unit files itself).
set(CU_PACKAGE_MAINTAINER "claude-usaged maintainers <maintainers@users.noreply.b-seed-5a9b8f07.example>"
    CACHE STRING "The Debian package's Maintainer field")
# No homepage is published yet; when set, it becomes the package's Homepage field.
set(CU_PACKAGE_HOMEPAGE "" CACHE STRING "The Debian package's Homepage field (empty: none)")

# packaging/deb/changelog names the version it releases: the two must agree.
file(STRINGS ${CMAKE_SOURCE_DIR}/packaging/deb/changelog cu_changelog_head LIMIT_COUNT 1)
if(NOT cu_changelog_head MATCHES "^claude-usaged \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/deb/changelog starts with \"${cu_changelog_head}\": add an entry for "
                      "version ${PROJECT_VERSION} (project(VERSION) in CMakeLists.txt)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME claude-usaged)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "claude-usaged maintainers")
set(CPACK_PACKAGE_CONTACT "${CU_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Claude Code usage database daemon, compatible with ccusage")
set(CPACK_PACKAGE_DESCRIPTION_FILE ${CMAKE_SOURCE_DIR}/packaging/deb/description)
set(CPACK_PACKAGE_HOMEPAGE_URL "${CU_PACKAGE_HOMEPAGE}")
# The install rules read the prefix when installing (the units name it), so CPack must install
# with CMAKE_INSTALL_PREFIX=/usr below DESTDIR, not with a prefix inside its staging directory.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# One package of every component, the EXCLUDE_FROM_ALL "package" one included.
set(CPACK_COMPONENTS_ALL programs units docs package)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # claude-usaged_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CU_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# lintian (tests/package runs it) reports no error and no warning; at --display-info it names:
# - hardening-no-fortify-functions, hardening-no-bindnow: the programs are built with the
#   project's own flags (CMakeLists.txt), not dpkg-buildflags' _FORTIFY_SOURCE and -z now;
# - binary-has-unneeded-section .comment: CPack's strip keeps the compilers' version notes;
# - spelling-error-in-binary "reseted": a message inside the SQLiteCpp library linked in.
include(CPack)
