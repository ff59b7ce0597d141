package dev.pbj.bench.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.pbj.Bytes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM-native baseline: Kryo 5 with every class registered (so class names never travel), encoding the same
 * messages as plain Java objects: a call or answer envelope with the same fields as PB's, the copy as a plain class,
 * Jelly's {@code Bytes} as {@code byte[]}. Kryo's defaults otherwise (no reference tracking, which PB's Jelly does).
 */
public final class KryoCodec implements Codec {
  private final Kryo kryo = new Kryo();
  private final Output output = new Output(1024, -1);
  private final Input input = new Input();
  private final Object[] converted = new Object[Message.values().length];
  private long requestId;

  public KryoCodec() {
    kryo.setRegistrationRequired(true);
    kryo.register(Call.class);
    kryo.register(Answer.class);
    kryo.register(Record10.class);
    kryo.register(Object[].class);
    kryo.register(byte[].class);
    kryo.register(ArrayList.class);
    kryo.register(LinkedHashMap.class);
    for (Message message : Message.values()) {
      converted[message.ordinal()] = toKryo(message.value());
    }
  }

  @Override
  public byte[] encode(Message message) {
    long id = ++requestId;
    Object value = converted[message.ordinal()];
    Object envelope = message.kind() == Message.Kind.CALL
        ? new Call(id, "root", message.method(), true, new Object[] {value}, new LinkedHashMap<>())
        : new Answer(id, value);
    output.reset();
    kryo.writeClassAndObject(output, envelope);
    return output.toBytes();
  }

  @Override
  public Object decode(byte[] bytes) {
    input.setBuffer(bytes);
    Object envelope = kryo.readClassAndObject(input);
    return envelope instanceof Call ? ((Call) envelope).args : ((Answer) envelope).value;
  }

  /** The same value in types Kryo serializes without help. */
  static Object toKryo(Object value) {
    if (value instanceof Bytes) {
      return ((Bytes) value).toByteArray();
    }
    if (value instanceof Message.Record10) {
      Message.Record10 r = (Message.Record10) value;
      return new Record10(r.id(), r.name(), r.email(), r.age(), r.score(), r.active(), new ArrayList<>(r.tags()),
          r.created(), r.balance(), r.note());
    }
    if (value instanceof List) {
      ArrayList<Object> list = new ArrayList<>();
      for (Object element : (List<?>) value) {
        list.add(toKryo(element));
      }
      return list;
    }
    if (value instanceof Map) {
      LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        map.put(toKryo(e.getKey()), toKryo(e.getValue()));
      }
      return map;
    }
    return value;
  }

  /** A call envelope with PB's fields. */
  static final class Call {
    long requestId;
    String objectId;
    String method;
    boolean answerRequired;
    Object[] args;
    LinkedHashMap<String, Object> kwargs;

    Call() {}

    Call(long requestId, String objectId, String method, boolean answerRequired, Object[] args,
        LinkedHashMap<String, Object> kwargs) {
      this.requestId = requestId;
      this.objectId = objectId;
      this.method = method;
      this.answerRequired = answerRequired;
      this.args = args;
      this.kwargs = kwargs;
    }
  }

  /** An answer envelope with PB's fields. */
  static final class Answer {
    long requestId;
    Object value;

    Answer() {}

    Answer(long requestId, Object value) {
      this.requestId = requestId;
      this.value = value;
    }
  }

  /** The 10-field copy as a plain class. */
  static final class Record10 {
    long id;
    String name;
    String email;
    long age;
    double score;
    boolean active;
    ArrayList<String> tags;
    long created;
    double balance;
    String note;

    Record10() {}

    Record10(long id, String name, String email, long age, double score, boolean active, ArrayList<String> tags,
        long created, double balance, String note) {
      this.id = id;
      this.name = name;
      this.email = email;
      this.age = age;
      this.score = score;
      this.active = active;
      this.tags = tags;
      this.created = created;
      this.balance = balance;
      this.note = note;
    }
  }
}
