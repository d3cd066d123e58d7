# What `cmake --install` installs below its prefix, by component; the Debian package
# (cmake/Package.cmake, prefix /usr) is made of the same rules.
#   programs  claude-usaged and claude-usagectl, the PostgreSQL module, their man pages and shell
#             completions
#   units     the systemd user unit and system template, naming the programs' installed paths
#   docs      README, docs/, the example config and the copyright file
#   package   only in the Debian package (EXCLUDE_FROM_ALL): /etc/claude-usaged/config.yaml, the
#             system template's config, and the Debian changelog
include(GNUInstallDirs)

install(TARGETS claude-usaged claude-usagectl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)
# The programs find the PostgreSQL module from their own folder, one level below the prefix.
if(NOT CMAKE_INSTALL_BINDIR MATCHES "^[^/]+$")
  message(FATAL_ERROR "CMAKE_INSTALL_BINDIR must be one folder below the prefix (it is ${CMAKE_INSTALL_BINDIR}): "
                      "the programs find ${CU_POSTGRES_MODULE_FROM_BIN} from there")
endif()
# The PostgreSQL module, where the programs look for it from bin/ (CU_MODULE_DIR, CMakeLists.txt):
# PREFIX/lib/claude-usaged/modules/postgres.so, a folder of the package's own.
install(TARGETS cu_postgres_module LIBRARY DESTINATION ${CU_MODULE_DIR} COMPONENT programs)
# Generated below share/ of the build tree (daemon/CMakeLists.txt) in the layout they install in.
foreach(file IN LISTS CU_MAN_PAGES CU_COMPLETIONS)
  get_filename_component(folder ${file} DIRECTORY)
  set(source ${CU_GENERATED_DIR}/${file})
  if(file IN_LIST CU_MAN_PAGES)
    set(source ${source}.gz)
  endif()
  install(FILES ${source} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/${folder} COMPONENT programs)
endforeach()

# systemd/ names /usr/local/bin/claude-usaged and /usr/local/share/doc/claude-usaged (what
# scripts/install's default prefix gives); installed, a unit names the prefix's own paths. The
# prefix is read when installing, not when configuring, so that CPack's /usr holds as well as
# `cmake --install --prefix DIR`. systemd looks in PREFIX/lib/systemd/{user,system} for /usr and
# /usr/local.
foreach(unit_and_manager IN ITEMS "claude-usaged.service;user" "claude-usaged@.service;system")
  list(GET unit_and_manager 0 unit)
  list(GET unit_and_manager 1 manager)
  install(CODE "
    string(REGEX REPLACE \"/$\" \"\" prefix \"\${CMAKE_INSTALL_PREFIX}\")  # \"\" for /
    file(READ \"${CMAKE_SOURCE_DIR}/systemd/${unit}\" text)
    string(REPLACE /usr/local/bin/ \"\${prefix}/${CMAKE_INSTALL_BINDIR}/\" text \"\${text}\")
    string(REPLACE /usr/local/share/doc/claude-usaged \"\${prefix}/${CMAKE_INSTALL_DOCDIR}\" text \"\${text}\")
    # Rendered in a folder of its own per destination, for installs that run side by side.
    string(MD5 destination \"\$ENV{DESTDIR}\${prefix}\")
    set(rendered \"${CMAKE_BINARY_DIR}/installed-units/\${destination}/${unit}\")
    file(WRITE \"\${rendered}\" \"\${text}\")
    file(INSTALL \"\${rendered}\" DESTINATION \"\${prefix}/lib/systemd/${manager}\"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  " COMPONENT units)
endforeach()

file(GLOB cu_doc_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES README.md ${cu_doc_files} etc/claude-usaged.yaml packaging/deb/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)

# Debian only. The template reads /etc/claude-usaged/config.yaml (all defaults until edited), a
# conffile that dpkg keeps when it was changed; a native package's changelog is changelog.gz.
install(FILES etc/claude-usaged.yaml DESTINATION /etc/claude-usaged RENAME config.yaml
        COMPONENT package EXCLUDE_FROM_ALL)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND gzip -9n -c ${CMAKE_SOURCE_DIR}/packaging/deb/changelog > ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/deb/changelog
  COMMENT "Compressing the Debian changelog")
add_custom_target(cu-changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/packaging/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT package EXCLUDE_FROM_ALL)
