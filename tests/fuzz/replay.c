/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay a fuzz target's corpus as a unit test, without libFuzzer.
 *
 * Built once per target (tests/unit/igvt/meson.build) with the target's
 * LLVMFuzzerTestOneInput, by the same compiler as the other unit tests.
 * Each file of the target's corpus directory (IGVT_FUZZ_CORPUS: the seeds
 * and every crash reproducer found so far) is one test case; a reproducer
 * that crashes again fails the test.  Files named on the command line are
 * replayed instead of the corpus.
 */

#include "qemu/osdep.h"
#include "fuzz-input.h"

static void replay_file(gconstpointer opaque)
{
    const char *path = opaque;
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    gsize size;

    if (!g_file_get_contents(path, &data, &size, &err)) {
        g_error("%s", err->message);
    }
    g_assert_cmpint(LLVMFuzzerTestOneInput((const uint8_t *)data, size),
                    ==, 0);
}

static int compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

static void add_file(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *name = g_strdup_printf("/igvt/fuzz/%s/%s",
                                            IGVT_FUZZ_NAME, base);

    g_test_add_data_func(name, g_strdup(path), replay_file);
}

int main(int argc, char **argv)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *name;

    g_test_init(&argc, &argv, NULL);
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            add_file(argv[i]);
        }
        return g_test_run();
    }

    dir = g_dir_open(IGVT_FUZZ_CORPUS, 0, &err);
    if (!dir) {
        g_error("%s", err->message);
    }
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(files, g_build_filename(IGVT_FUZZ_CORPUS, name, NULL));
    }
    /* a corpus without files would pass without testing anything */
    g_assert_cmpuint(files->len, >, 0);
    g_ptr_array_sort(files, compare_paths);
    for (unsigned i = 0; i < files->len; i++) {
        add_file(g_ptr_array_index(files, i));
    }
    return g_test_run();
}
