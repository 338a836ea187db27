// Word lists for the sample catalog: ten departments of a general store, each with its own SKU
// prefix, brands, product nouns and a price range (in cents) that reads right for the department.

export interface SampleCategory {
  name: string;
  description: string;
  skuPrefix: string;
  brands: string[];
  nouns: string[];
  features: string[];
  minCents: number;
  maxCents: number;
}

export const SAMPLE_CATEGORIES: readonly SampleCategory[] = [
  {
    name: "Electronics",
    description: "Phones, audio, computers and accessories",
    skuPrefix: "ELE",
    brands: ["Sonix", "Voltra", "Pixelon", "Auralis", "Nordtek"],
    nouns: ["Wireless Headphones", "Bluetooth Speaker", "USB-C Charger", "Smartwatch", "Webcam", "Portable SSD", "Mechanical Keyboard", "Tablet Stand"],
    features: ["Pro", "Mini", "Max", "Lite", "Plus", "Studio"],
    minCents: 999,
    maxCents: 89_999,
  },
  {
    name: "Books",
    description: "Fiction, non-fiction and reference",
    skuPrefix: "BOO",
    brands: ["Harbor Press", "Quill & Ink", "Northwind Books", "Lantern House", "Meridian"],
    nouns: ["Cookbook", "Mystery Novel", "Field Guide", "Biography", "Poetry Collection", "Atlas", "Programming Handbook", "Travel Journal"],
    features: ["Hardcover", "Paperback", "Illustrated", "Second Edition", "Collector's Edition", "Pocket Edition"],
    minCents: 499,
    maxCents: 6_999,
  },
  {
    name: "Home & Kitchen",
    description: "Cookware, appliances and home essentials",
    skuPrefix: "HOM",
    brands: ["Casa Verde", "Ironleaf", "Hearthline", "Pureform", "Oakmere"],
    nouns: ["Chef's Knife", "Cast Iron Skillet", "French Press", "Blender", "Cutting Board", "Dutch Oven", "Kettle", "Storage Set"],
    features: ["Stainless", "Ceramic", "Bamboo", "Nonstick", "Compact", "Family Size"],
    minCents: 799,
    maxCents: 29_999,
  },
  {
    name: "Clothing",
    description: "Apparel and footwear for every season",
    skuPrefix: "CLO",
    brands: ["Fieldstone", "Urbanite", "Tidewater", "Alder & Co", "Kestrel"],
    nouns: ["Cotton T-Shirt", "Denim Jacket", "Wool Sweater", "Running Shoes", "Rain Jacket", "Chino Pants", "Hoodie", "Beanie"],
    features: ["Slim Fit", "Relaxed", "Organic", "Recycled", "Classic", "Lightweight"],
    minCents: 999,
    maxCents: 19_999,
  },
  {
    name: "Sports & Outdoors",
    description: "Gear for training, camping and the trail",
    skuPrefix: "SPO",
    brands: ["Summitline", "Trailhawk", "Peakform", "Riverbend", "Granite"],
    nouns: ["Yoga Mat", "Camping Tent", "Water Bottle", "Hiking Backpack", "Dumbbell Set", "Sleeping Bag", "Headlamp", "Trekking Poles"],
    features: ["Ultralight", "All-Weather", "Insulated", "Adjustable", "Foldable", "Trail"],
    minCents: 1_299,
    maxCents: 39_999,
  },
  {
    name: "Toys & Games",
    description: "Play for every age",
    skuPrefix: "TOY",
    brands: ["Brightblock", "Puzzlewick", "Tinker Lane", "Starfort", "Gigglebox"],
    nouns: ["Building Set", "Jigsaw Puzzle", "Board Game", "Plush Bear", "Remote Control Car", "Card Game", "Science Kit", "Art Set"],
    features: ["Deluxe", "Junior", "Family", "Travel", "Classic", "Glow"],
    minCents: 599,
    maxCents: 14_999,
  },
  {
    name: "Beauty & Personal Care",
    description: "Skin care, hair care and grooming",
    skuPrefix: "BEA",
    brands: ["Lumiere", "Verdana", "Solace", "Aquaveil", "Rosewood"],
    nouns: ["Face Moisturizer", "Shampoo", "Electric Toothbrush", "Sunscreen SPF 50", "Hair Dryer", "Lip Balm", "Body Wash", "Beard Trimmer"],
    features: ["Sensitive", "Fragrance-Free", "Travel Size", "Daily", "Hydrating", "Professional"],
    minCents: 399,
    maxCents: 12_999,
  },
  {
    name: "Grocery",
    description: "Pantry staples, snacks and drinks",
    skuPrefix: "GRO",
    brands: ["Green Acre", "Millbrook", "Sunharvest", "Old Orchard", "Bluecrest"],
    nouns: ["Ground Coffee", "Green Tea", "Olive Oil", "Dark Chocolate", "Granola", "Pasta", "Honey", "Trail Mix"],
    features: ["Organic", "Fair Trade", "Family Pack", "Single Origin", "Gluten-Free", "Value Pack"],
    minCents: 199,
    maxCents: 3_999,
  },
  {
    name: "Automotive",
    description: "Parts, tools and care for your car",
    skuPrefix: "AUT",
    brands: ["Roadmaster", "Torquewell", "Motorline", "Gearhart", "Autovia"],
    nouns: ["Tire Inflator", "Dash Cam", "Jump Starter", "Floor Mats", "Phone Mount", "Car Wax", "Wiper Blades", "Socket Set"],
    features: ["Heavy Duty", "Universal", "Compact", "All-Season", "Pro", "Quick-Fit"],
    minCents: 899,
    maxCents: 24_999,
  },
  {
    name: "Office Supplies",
    description: "Desk, paper and organization",
    skuPrefix: "OFF",
    brands: ["Paperlane", "Deskworks", "Inkwell", "Foldwise", "Ledgerly"],
    nouns: ["Notebook", "Gel Pens", "Desk Organizer", "Stapler", "Sticky Notes", "Monitor Riser", "Filing Box", "Whiteboard"],
    features: ["A5", "Refillable", "Recycled", "Jumbo", "Executive", "Pocket"],
    minCents: 199,
    maxCents: 9_999,
  },
];
