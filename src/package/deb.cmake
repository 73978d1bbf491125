# src/package/deb.cmake - the Debian package (make deb: cpack -G DEB), included by the top-level
# CMakeLists.txt. Installs the binary, the man page, the docs and the licence under /usr. Its
# postinst (src/package/postinst) gives the binary CAP_NET_RAW, as Debian's mtr-tiny and
# iputils-ping do, so that users probe with raw ICMP without root (hopwatch drops the capability
# once its sockets are open); HOPWATCH_NO_SETCAP=1 at install time opts out, and
# `setcap -r /usr/bin/hopwatch` takes it back later. Removal removes every file the package
# installed (dpkg does; the capability goes with the file).
set(DEB_SCRIPTS ${CMAKE_BINARY_DIR}/deb)
file(MAKE_DIRECTORY ${DEB_SCRIPTS})
file(COPY ${CMAKE_CURRENT_LIST_DIR}/postinst DESTINATION ${DEB_SCRIPTS}
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
     WORLD_EXECUTE)
# Debian's copyright file names the licence (BSD-2-Clause, LICENSE at the top).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright DESTINATION share/doc/hopwatch)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hopwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_CONTACT "hopwatch developers <hopwatch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live network path monitor: loss, latency and jitter per hop")
set(CPACK_PACKAGE_DESCRIPTION "hopwatch shows every hop between this host and a target, live, like mtr: loss,
sent, last/avg/best/worst RTT, stddev, jitter, AS numbers and reverse DNS. It tells routers
that only rate-limit their ICMP replies from real forwarding loss, names the hop where loss
starts and remembers when it happened; it records runs, watches many targets at once and
exports Prometheus metrics.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcap2-bin")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${DEB_SCRIPTS}/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
