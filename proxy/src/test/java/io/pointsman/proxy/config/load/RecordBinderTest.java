package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.UseBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBinderTest {
    @Test
    void yamlKeysAreSnakeCaseUnlessAnnotated() {
        assertEquals("use_backend", RecordBinder.snakeCase("useBackend"));
        assertEquals("max_old_generations", RecordBinder.snakeCase("maxOldGenerations"));
        assertEquals(List.of("backend", "if", "unless"), java.util.Arrays.stream(UseBackend.class.getRecordComponents())
                .map(RecordBinder::yamlName).toList());
    }

    @Test
    void nearMissesGetASuggestionOthersTheKnownKeys() {
        List<String> keys = List.of("name", "bind", "default_backend", "use_backend");
        assertEquals(" (did you mean 'default_backend'?)", RecordBinder.hint("defualt_backend", keys));
        assertEquals(" (did you mean 'use_backend'?)", RecordBinder.hint("use-backend", keys));
        assertEquals(" (did you mean 'bind'?)", RecordBinder.hint("binds", keys));
        assertTrue(RecordBinder.hint("colour", keys).startsWith(" (known keys: name, bind"));
    }
}
