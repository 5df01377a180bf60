package io.durable.internal.serial;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derives the full Jackson type of a value from the value itself, generics included: a list of
 * records becomes {@code ArrayList<Rec>}, so replay rebuilds records and not maps. Container
 * classes Jackson cannot instantiate (such as {@code List.of(...)}) are mapped to their interface.
 */
final class RuntimeTypes {
    private static final Set<Class<?>> CONSTRUCTIBLE_CONTAINERS = Set.of(
            ArrayList.class, LinkedList.class, ArrayDeque.class, HashSet.class, LinkedHashSet.class, TreeSet.class,
            HashMap.class, LinkedHashMap.class, TreeMap.class, ConcurrentHashMap.class);

    private final TypeFactory types;

    RuntimeTypes(TypeFactory types) {
        this.types = types;
    }

    JavaType typeOf(Object value) {
        if (value == null) {
            return types.constructType(Object.class);
        }
        if (value instanceof Optional<?> optional) {
            JavaType inner = optional.isPresent() ? typeOf(optional.get()) : types.constructType(Object.class);
            return types.constructReferenceType(Optional.class, inner);
        }
        if (value instanceof Collection<?> collection) {
            return types.constructCollectionType(collectionClass(collection), commonType(collection));
        }
        if (value instanceof Map<?, ?> map) {
            return types.constructMapType(mapClass(map), commonType(map.keySet()), commonType(map.values()));
        }
        if (value instanceof Enum<?> constant) {
            return types.constructType(constant.getDeclaringClass());
        }
        return types.constructType(value.getClass());
    }

    private JavaType commonType(Collection<?> values) {
        JavaType common = null;
        for (Object element : values) {
            if (element == null) {
                continue;
            }
            JavaType type = typeOf(element);
            if (common == null) {
                common = type;
            } else if (!common.equals(type)) {
                return types.constructType(Object.class);
            }
        }
        return common == null ? types.constructType(Object.class) : common;
    }

    @SuppressWarnings("rawtypes")
    private static Class<? extends Collection> collectionClass(Collection<?> value) {
        if (CONSTRUCTIBLE_CONTAINERS.contains(value.getClass())) {
            return value.getClass();
        }
        if (value instanceof SortedSet) {
            return TreeSet.class;
        }
        if (value instanceof Set) {
            return LinkedHashSet.class;
        }
        if (value instanceof List) {
            return ArrayList.class;
        }
        return ArrayList.class;
    }

    @SuppressWarnings("rawtypes")
    private static Class<? extends Map> mapClass(Map<?, ?> value) {
        if (CONSTRUCTIBLE_CONTAINERS.contains(value.getClass())) {
            return value.getClass();
        }
        return value instanceof SortedMap ? TreeMap.class : LinkedHashMap.class;
    }
}
