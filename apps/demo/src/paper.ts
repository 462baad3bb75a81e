/**
 * The paper's figures (Han, Mao, Dally, Deep Compression, ICLR 2016, tables 1-3), copied into the
 * project so reports can show them beside ours. Error rates are fractions; `ofOriginal` is the
 * compressed size as a fraction of the float32 size, `[pruning + quantization, + Huffman]`.
 */
export const PAPER = {
  "source": "Han, Mao, Dally. Deep Compression. ICLR 2016 (arXiv 1510.00149v5), Tables 1-3; pruning-only figures from Han et al., Learning both Weights and Connections, NIPS 2015, Table 1",
  "note": "Sizes count float32 weights and biases. Bits are per kept weight. 'P+Q' = pruning + quantization, '+H' = with Huffman coding. The LeNet-300-100 total weight bits after Huffman read 5.1 in the paper although every layer is below 4.5; it is kept as printed.",
  "lenet-300-100": {
    "baselineError": 0.0164,
    "compressedError": 0.0158,
    "originalKB": 1070,
    "compressedKB": 27,
    "ratio": 40,
    "pruningOnly": {
      "params": 22000,
      "error": 0.0159
    },
    "layers": [
      {
        "name": "ip1",
        "weights": 235000,
        "kept": 0.08,
        "weightBits": [
          6,
          4.4
        ],
        "indexBits": [
          5,
          3.7
        ],
        "ofOriginal": [
          0.031,
          0.0232
        ]
      },
      {
        "name": "ip2",
        "weights": 30000,
        "kept": 0.09,
        "weightBits": [
          6,
          4.4
        ],
        "indexBits": [
          5,
          4.3
        ],
        "ofOriginal": [
          0.038,
          0.0304
        ]
      },
      {
        "name": "ip3",
        "weights": 1000,
        "kept": 0.26,
        "weightBits": [
          6,
          4.3
        ],
        "indexBits": [
          5,
          3.2
        ],
        "ofOriginal": [
          0.157,
          0.127
        ]
      }
    ],
    "total": {
      "kept": 0.08,
      "weightBits": [
        6,
        5.1
      ],
      "indexBits": [
        5,
        3.7
      ],
      "ofOriginal": [
        0.031,
        0.0249
      ],
      "ratio": [
        32,
        40
      ]
    }
  },
  "lenet-5": {
    "baselineError": 0.008,
    "compressedError": 0.0074,
    "originalKB": 1720,
    "compressedKB": 44,
    "ratio": 39,
    "pruningOnly": {
      "params": 36000,
      "error": 0.0077
    },
    "layers": [
      {
        "name": "conv1",
        "weights": 500,
        "kept": 0.66,
        "weightBits": [
          8,
          7.2
        ],
        "indexBits": [
          5,
          1.5
        ],
        "ofOriginal": [
          0.785,
          0.6745
        ]
      },
      {
        "name": "conv2",
        "weights": 25000,
        "kept": 0.12,
        "weightBits": [
          8,
          7.2
        ],
        "indexBits": [
          5,
          3.9
        ],
        "ofOriginal": [
          0.06,
          0.0528
        ]
      },
      {
        "name": "ip1",
        "weights": 400000,
        "kept": 0.08,
        "weightBits": [
          5,
          4.5
        ],
        "indexBits": [
          5,
          4.5
        ],
        "ofOriginal": [
          0.027,
          0.0245
        ]
      },
      {
        "name": "ip2",
        "weights": 5000,
        "kept": 0.19,
        "weightBits": [
          5,
          5.2
        ],
        "indexBits": [
          5,
          3.7
        ],
        "ofOriginal": [
          0.069,
          0.0613
        ]
      }
    ],
    "total": {
      "kept": 0.08,
      "weightBits": [
        5.3,
        4.1
      ],
      "indexBits": [
        5,
        4.4
      ],
      "ofOriginal": [
        0.0305,
        0.0255
      ],
      "ratio": [
        33,
        39
      ]
    }
  }
} as const;

/** The paper's row for a layer, if it has one. */
export function paperLayer(model: string, layer: string): (typeof PAPER)['lenet-300-100']['layers'][number] | (typeof PAPER)['lenet-5']['layers'][number] | undefined {
  if (model !== 'lenet-300-100' && model !== 'lenet-5') return undefined;
  return (PAPER[model].layers as readonly { name: string }[]).find((l) => l.name === layer) as never;
}
